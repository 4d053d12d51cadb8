/** Ping tokens: the secret part of a heartbeat's URL. */
import { randomBytes } from 'node:crypto'

/**
 * 24 random bytes are 192 bits: far beyond guessing, even at millions of tries a
 * second, and 32 URL-safe characters that paste cleanly into a crontab.
 */
const TOKEN_BYTES = 24

/**
 * A new unguessable token from the system's CSPRNG, base64url without padding.
 * @example newPingToken() // 'q3Zp1vB0yX...' (32 characters)
 */
export function newPingToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url')
}
