/**
 * Sends the artifact spool to the hub, oldest run first, one chunk at a time over MQTT
 * (checks/artifact-wire.ts), apart from results: the outbox and its publisher never
 * wait for it. Each chunk waits for the hub's answer, which says how much of the file
 * the hub holds; no answer within `ackTimeoutMs` (the hub restarting, a lost message)
 * sends it again, and the hub's answer puts the transfer back where the hub is.
 */
import { closeSync, openSync, readSync } from 'node:fs'
import {
  ARTIFACT_CHUNK_BYTES,
  artifactAckSchema,
  encodeArtifactChunk,
  type ArtifactAck,
} from '../../checks/artifact-wire.ts'
import { decodeMessage } from '../../checks/wire.ts'
import type { Logger } from '../../lib/logger.ts'
import type { ArtifactSpool, SpooledFile, SpooledRun } from './spool.ts'

export interface ArtifactSenderOptions {
  spool: ArtifactSpool
  /** The probe's `artifacts/{id}` topic. */
  topic: string
  connected: () => boolean
  publish: (topic: string, payload: Buffer) => Promise<void>
  logger: Logger
  /** Default 15 s, like the results' ack timeout. */
  ackTimeoutMs?: number
  /** How often it looks at the spool without being woken. Default 30 s. */
  pollMs?: number
}

interface Waiting {
  resultId: string
  name: string
  resolve: (ack: ArtifactAck | undefined) => void
}

export class ArtifactSender {
  #running = false
  #again = false
  #closed = false
  #waiting: Waiting | undefined
  #sent = 0
  readonly #timer: NodeJS.Timeout

  constructor(private readonly options: ArtifactSenderOptions) {
    this.#timer = setInterval(() => this.kick(), options.pollMs ?? 30_000)
    this.#timer.unref()
  }

  /** Files the hub confirmed, since start. */
  sent(): number {
    return this.#sent
  }

  /** Starts sending if there is anything to send and it is not sending already. */
  kick(): void {
    if (this.#closed) return
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = true
    this.#drain()
      .catch((error: unknown) =>
        this.options.logger.warn({ err: (error as Error).message }, 'sending artifacts failed'),
      )
      .finally(() => {
        this.#running = false
        if (this.#again && !this.#closed) {
          this.#again = false
          this.kick()
        }
      })
  }

  /** The hub's answer to a chunk, from `probes/{id}/artifact-acks`. */
  handleAck(payload: Buffer): void {
    const decoded = decodeMessage(artifactAckSchema, payload)
    if (!decoded.ok) return
    const ack = decoded.value
    const waiting = this.#waiting
    if (waiting && waiting.resultId === ack.resultId && waiting.name === ack.name) {
      this.#waiting = undefined
      waiting.resolve(ack)
    }
  }

  close(): void {
    this.#closed = true
    clearInterval(this.#timer)
    this.#waiting?.resolve(undefined)
  }

  async #drain(): Promise<void> {
    while (!this.#closed && this.options.connected()) {
      const run = this.options.spool.pending()[0]
      if (!run) return
      for (const file of run.files) {
        const finished = await this.#sendFile(run, file)
        if (!finished) return
      }
    }
  }

  /** Sends one file until the hub has it or refuses it; false when it must stop (offline, closed). */
  async #sendFile(run: SpooledRun, file: SpooledFile): Promise<boolean> {
    const path = this.options.spool.path(run.resultId, file.name)
    let offset = 0
    let fd: number
    try {
      fd = openSync(path, 'r')
    } catch {
      this.options.spool.remove(run.resultId, file.name)
      return true
    }
    try {
      for (;;) {
        if (this.#closed || !this.options.connected()) return false
        const length = Math.min(ARTIFACT_CHUNK_BYTES, file.bytes - offset)
        const bytes = Buffer.alloc(Math.max(0, length))
        if (length > 0) readSync(fd, bytes, 0, length, offset)
        const payload = encodeArtifactChunk(
          {
            resultId: run.resultId,
            checkId: run.checkId,
            name: file.name,
            type: file.type,
            size: file.bytes,
            sha256: file.sha256,
            offset,
            createdAt: run.createdAt,
            status: run.status,
            ...(run.errorCode ? { errorCode: run.errorCode } : {}),
          },
          bytes,
        )
        const ack = await this.#send(run.resultId, file.name, payload)
        if (!ack) continue
        if (ack.refused) {
          this.options.logger.warn(
            { resultId: run.resultId, name: file.name, reason: ack.refused },
            'the hub refused an artifact; dropping it',
          )
          this.options.spool.remove(run.resultId, file.name)
          return true
        }
        if (ack.done) {
          this.#sent += 1
          this.options.spool.remove(run.resultId, file.name)
          return true
        }
        offset = Math.min(ack.received, file.bytes)
      }
    } finally {
      closeSync(fd)
    }
  }

  /** Publishes a chunk and waits for its answer; undefined after the ack timeout. */
  #send(resultId: string, name: string, payload: Buffer): Promise<ArtifactAck | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.#waiting?.resolve === done) this.#waiting = undefined
        resolve(undefined)
      }, this.options.ackTimeoutMs ?? 15_000)
      const done = (ack: ArtifactAck | undefined) => {
        clearTimeout(timer)
        resolve(ack)
      }
      this.#waiting = { resultId, name, resolve: done }
      this.options.publish(this.options.topic, payload).catch(() => {
        // Not connected after all: the timeout sends it again, or the loop stops.
      })
    })
  }
}
