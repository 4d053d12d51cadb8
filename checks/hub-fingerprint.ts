/**
 * The hub key's fingerprint, `sha256:` and the 64 hex digits of the SHA-256 of the
 * key's SPKI DER encoding (the same digest as `openssl pkey -pubin -outform DER |
 * sha256sum`). A probe can be set up with this one line instead of the key file: the
 * hub then sends its public key with each config envelope, and the probe trusts that
 * key only when its fingerprint is the one it was given.
 *
 * The whole digest is used on purpose. The 16-hex `keyId` that logs show is 64 bits,
 * few enough that finding another key with the same id is within reach of a patient
 * attacker; it names a key, it must not pin one.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto'

const FINGERPRINT = /^(?:sha256:)?([0-9a-f]{64})$/i
const SHORT_KEY_ID = /^[0-9a-f]{16}$/i

/** What a probe trusts: the hub's public key itself, or its pinned fingerprint. */
export type HubTrust = KeyObject | { fingerprint: string }

/**
 * @example
 * fingerprintOf(hubKey.publicKey) // 'sha256:3b1f...e9' (71 characters)
 */
export function fingerprintOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' })
  return `sha256:${createHash('sha256').update(der).digest('hex')}`
}

/**
 * Reads a fingerprint as a person may paste it (`sha256:` prefix optional, any case)
 * and returns it in the canonical form, or undefined when the text is not one.
 * Throws for the short keyId, which looks like one but is too short to pin a key.
 */
export function parseFingerprint(text: string): string | undefined {
  const trimmed = text.trim()
  const match = FINGERPRINT.exec(trimmed)
  if (match) return `sha256:${match[1]!.toLowerCase()}`
  if (SHORT_KEY_ID.test(trimmed)) {
    throw new Error(
      `"${trimmed}" is the hub key's short id, which is too short to pin a key; use the full ` +
        'fingerprint the hub prints at start (sha256:...), or `vantage hub --print-key-fingerprint`',
    )
  }
  return undefined
}

/** The public key as it travels in a config envelope: base64 of its SPKI DER. */
export function encodePublicKey(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
}

/** The inverse of encodePublicKey; throws when the text is not an SPKI key. */
export function decodePublicKey(text: string): KeyObject {
  return createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' })
}
