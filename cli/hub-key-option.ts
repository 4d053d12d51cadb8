/** `vantage probe --hub-key`: the hub's public key file, or the key's fingerprint. */
import { createPublicKey } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { parseFingerprint, type HubTrust } from '../checks/hub-fingerprint.ts'

/**
 * Resolves the flag's value: a file that exists is read as the key (as before), else
 * the text must be the key's full fingerprint. Throws an Error meant for the user.
 *
 * @example
 * resolveHubKey('./hub-key.pub.pem') // KeyObject
 * resolveHubKey('sha256:3b1f...e9') // { fingerprint: 'sha256:3b1f...e9' }
 */
export function resolveHubKey(value: string): HubTrust {
  if (existsSync(value)) {
    try {
      return createPublicKey(readFileSync(value))
    } catch (error) {
      throw new Error(`cannot read --hub-key ${value}: ${(error as Error).message}`)
    }
  }
  const fingerprint = parseFingerprint(value)
  if (fingerprint) return { fingerprint }
  throw new Error(
    `--hub-key "${value}" is neither a file nor a key fingerprint (sha256:<64 hex digits>, ` +
      'printed by the hub at start and by `vantage hub --print-key-fingerprint`)',
  )
}
