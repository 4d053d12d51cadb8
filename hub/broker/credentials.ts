/**
 * Per-probe broker credentials: `vantage token create` gives each
 * probe a random secret and keeps only its SHA-256 in `credentials.json` in the
 * hub's data directory. A plain hash is enough here because the secret is 32
 * random bytes, not a password a person chose: there is nothing to brute-force.
 *
 * It is its own file, not part of the lowdb state, because the CLI writes it while
 * the hub runs: the hub rewrites `state.json` whole from memory and would undo the
 * change. The CLI writes atomically (temp file + rename) and the hub re-reads the
 * file whenever it changes, so a new or revoked token takes effect without a restart.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, statSync, unwatchFile, watchFile } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from '../../lib/atomic-file.ts'

export const CREDENTIALS_FILE = 'credentials.json'

/** The broker username the hub itself uses; no probe may take it. */
export const HUB_USERNAME = 'vantage-hub'

/** 32 bytes: 256 bits of entropy, so the hash needs no salt or key stretching. */
const TOKEN_BYTES = 32

const entrySchema = z.object({
  probeId: z.string(),
  region: z.string(),
  /** `sha256:<hex>` of the token. */
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  createdAt: z.string(),
})
export type ProbeCredential = z.infer<typeof entrySchema>

const fileSchema = z.object({
  version: z.literal(1),
  probes: z.record(z.string(), entrySchema),
})
export type CredentialsFile = z.infer<typeof fileSchema>

export function credentialsPath(dataDir: string): string {
  return join(dataDir, CREDENTIALS_FILE)
}

/**
 * A new secret token: 43 base64url characters, after `<region>.` when it is a probe's.
 * The region is not secret; it lets a probe tell, before it connects, that it was
 * started with a `--region` its token is not for (the hash covers it, so it cannot be
 * edited). Tokens made before it have no prefix and still work.
 */
export function newToken(region?: string): string {
  const secret = randomBytes(TOKEN_BYTES).toString('base64url')
  return region === undefined ? secret : `${region}.${secret}`
}

/** The region a probe token names (see newToken), or undefined for a token without one. */
export { regionOfToken } from '../../lib/probe-token.ts'

export function hashToken(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`
}

/** Compares two `sha256:` hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** Reads the credentials file; a missing file means no probe has a token yet. */
export function readCredentials(file: string): CredentialsFile {
  if (!existsSync(file)) return { version: 1, probes: {} }
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) {
    throw new Error(`${file} is not a Vantage credentials file: ${parsed.error.issues[0]?.message}`)
  }
  return parsed.data
}

/** Writes the credentials file atomically; a new file is readable by its owner only. */
export function writeCredentials(file: string, data: CredentialsFile): void {
  writeFileAtomic(file, `${JSON.stringify(data, null, 2)}\n`)
}

/**
 * The hub's view of the credentials file. `find` re-reads the file when it has
 * changed on disk, so a probe connecting right after `vantage token create` is
 * accepted; `watch` notices changes between connects, to drop revoked probes.
 */
export class CredentialStore {
  private data: CredentialsFile = { version: 1, probes: {} }
  private stamp = ''
  private listener: (() => void) | undefined

  constructor(
    readonly file: string,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {
    this.refresh()
  }

  /** The credential of `probeId` whose token is `token`, or undefined. */
  verify(probeId: string, token: string): ProbeCredential | undefined {
    const entry = this.find(probeId)
    // Hash first in every case, so an unknown probe id costs the same as a wrong token.
    const presented = hashToken(token)
    return entry && sameHash(entry.hash, presented) ? entry : undefined
  }

  find(probeId: string): ProbeCredential | undefined {
    this.refresh()
    return entryOf(this.data, probeId)
  }

  /** The probes that have a token. */
  probeIds(): string[] {
    this.refresh()
    return Object.keys(this.data.probes)
  }

  /** Calls `onChange` (after re-reading) whenever the file changes; polls every `intervalMs`. */
  watch(onChange: () => void, intervalMs = 1_000): void {
    this.unwatch()
    this.listener = () => {
      // A connect may have re-read the file already; the change still needs reporting.
      this.refresh()
      onChange()
    }
    // watchFile polls stat(), which survives the rename that replaces the file; fs.watch would not.
    watchFile(this.file, { interval: intervalMs, persistent: false }, this.listener)
  }

  unwatch(): void {
    if (this.listener) unwatchFile(this.file, this.listener)
    this.listener = undefined
  }

  /** Re-reads the file if it changed since the last read. */
  private refresh(): void {
    const stamp = fileStamp(this.file)
    if (stamp === this.stamp) return
    this.stamp = stamp
    try {
      this.data = readCredentials(this.file)
    } catch (error) {
      // Keep the last good set rather than lock every probe out over a hand-edit gone wrong.
      this.onError(error as Error)
    }
  }
}

/** Own entries only: a probe id such as `constructor` must not find Object.prototype's. */
function entryOf(data: CredentialsFile, probeId: string): ProbeCredential | undefined {
  return Object.hasOwn(data.probes, probeId) ? data.probes[probeId] : undefined
}

function fileStamp(file: string): string {
  try {
    const stat = statSync(file)
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`
  } catch {
    return 'missing'
  }
}

/**
 * Creates a token for `probeId` and stores its hash; returns the token, which is
 * never stored. Refuses to replace an existing token unless `rotate` is set.
 */
export function createProbeToken(
  file: string,
  options: { probeId: string; region: string; rotate?: boolean; now?: Date },
): { token: string; replaced: ProbeCredential | undefined } {
  const data = readCredentials(file)
  const existing = entryOf(data, options.probeId)
  if (existing && !options.rotate) {
    throw new Error(
      `probe ${options.probeId} already has a token (created ${existing.createdAt}); ` +
        'pass --rotate to replace it, which stops the old one from working',
    )
  }
  const token = newToken(options.region)
  data.probes[options.probeId] = {
    probeId: options.probeId,
    region: options.region,
    hash: hashToken(token),
    createdAt: (options.now ?? new Date()).toISOString(),
  }
  writeCredentials(file, data)
  return { token, replaced: existing }
}

/** Removes the token of `probeId`; returns what was removed, or undefined if it had none. */
export function revokeProbeToken(file: string, probeId: string): ProbeCredential | undefined {
  const data = readCredentials(file)
  const existing = entryOf(data, probeId)
  if (!existing) return undefined
  delete data.probes[probeId]
  writeCredentials(file, data)
  return existing
}
