/**
 * Takes artifact chunks from probes (checks/artifact-wire.ts) and answers each with how
 * much of the file the hub holds. A file grows in a partial file on disk, so that a
 * hub restart mid-file resumes where it was; once whole and its SHA-256 checks out, it
 * goes to the store. A chunk that does not start where the partial file ends is not
 * written, and the answer tells the probe where to go on from.
 */
import { createHash } from 'node:crypto'
import { appendFileSync, createReadStream, mkdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import {
  decodeArtifactChunk,
  type ArtifactAck,
  type ArtifactChunkHeader,
} from '../../checks/artifact-wire.ts'
import type { Logger } from '../../lib/logger.ts'
import type { ArtifactStore } from './artifact-store.ts'

/** The probes' own per-run cap is 20 MiB by default; one file past this is not evidence. */
export const DEFAULT_MAX_ARTIFACT_FILE_BYTES = 64 * 1024 * 1024

export interface ArtifactReceiverOptions {
  store: ArtifactStore
  /** Where partial files wait. */
  partialDir: string
  /** True when the check exists and is a browser check. */
  knownCheck: (checkId: string) => boolean
  ack: (probeId: string, ack: ArtifactAck) => void
  maxFileBytes?: number
  now: () => number
  logger: Logger
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject)
  })
}

export class ArtifactReceiver {
  /** Files being checked and stored: a duplicate last chunk meanwhile is answered, not written. */
  readonly #finishing = new Set<string>()
  counters = { chunks: 0, stored: 0, refused: 0, invalid: 0 }

  constructor(private readonly options: ArtifactReceiverOptions) {
    mkdirSync(options.partialDir, { recursive: true })
  }

  /** One message from `artifacts/{probeId}`. */
  async handle(probeId: string, payload: Buffer): Promise<void> {
    const decoded = decodeArtifactChunk(payload)
    if (!decoded.ok) {
      this.counters.invalid += 1
      this.options.logger.warn({ probeId, reason: decoded.reason }, 'unreadable artifact chunk')
      return
    }
    this.counters.chunks += 1
    const { header, bytes } = decoded
    const reply = (fields: Partial<ArtifactAck>) =>
      this.options.ack(probeId, {
        resultId: header.resultId,
        name: header.name,
        received: 0,
        done: false,
        ...fields,
      })
    const { store } = this.options
    if (store.has(header.resultId, header.name)) return reply({ received: header.size, done: true })
    const refusal = this.#refusal(header)
    if (refusal) {
      this.counters.refused += 1
      return reply({ refused: refusal })
    }
    const key = `${header.resultId}/${header.name}`
    const folder = join(this.options.partialDir, probeId, header.resultId)
    const partial = join(folder, header.name)
    if (this.#finishing.has(key)) return reply({ received: sizeOf(partial) })
    mkdirSync(folder, { recursive: true })
    let held = sizeOf(partial)
    if (held > header.size) {
      rmSync(partial, { force: true })
      held = 0
    }
    if (header.offset === held && bytes.length > 0) {
      appendFileSync(partial, bytes)
      held += bytes.length
    }
    if (held < header.size) return reply({ received: held })
    this.#finishing.add(key)
    try {
      const sha256 = await sha256Of(partial)
      if (sha256 !== header.sha256) {
        rmSync(partial, { force: true })
        this.options.logger.warn(
          { probeId, ...header },
          'an artifact arrived corrupted; asking for it again',
        )
        return reply({ received: 0 })
      }
      store.add(
        {
          resultId: header.resultId,
          name: header.name,
          checkId: header.checkId,
          probeId,
          type: header.type,
          bytes: header.size,
          sha256,
          status: header.status,
          errorCode: header.errorCode ?? null,
          createdAt: header.createdAt,
        },
        partial,
        this.options.now(),
      )
      rmSync(folder, { recursive: true, force: true })
      this.counters.stored += 1
      reply({ received: header.size, done: true })
    } finally {
      this.#finishing.delete(key)
    }
  }

  #refusal(header: ArtifactChunkHeader): string | undefined {
    const max = this.options.maxFileBytes ?? DEFAULT_MAX_ARTIFACT_FILE_BYTES
    if (header.size > max) return `${header.size} bytes is over the hub's ${max}-byte cap per file`
    if (!this.options.knownCheck(header.checkId)) {
      return `no browser check "${header.checkId}" is deployed`
    }
    return undefined
  }
}
