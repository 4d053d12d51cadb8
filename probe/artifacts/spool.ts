/**
 * The probe's artifact spool: browser runs' screenshots, traces and console logs wait
 * here, on disk, until the hub has stored them (sender.ts), so they survive a hub
 * outage and a probe restart. Each kept run is a folder named by its result id (a ULID,
 * so names sort oldest first) with a manifest; files leave one by one as the hub
 * confirms them, and the folder with the last one.
 *
 * Bounded twice: a run keeps at most `maxRunBytes` (the trace goes first, then the
 * console log, then the latest screenshots), and the spool at most `maxTotalBytes`, the
 * oldest runs dropped first and counted.
 */
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import type { ArtifactFile } from '../../checks/browser/browser-result.ts'
import type { CheckStatus } from '../../checks/result.ts'
import type { Logger } from '../../lib/logger.ts'
import { decodeTime } from 'ulid'
import type { ArtifactSink, KeptRun } from '../browser/pool.ts'

export const DEFAULT_MAX_RUN_BYTES = 20 * 1024 * 1024
export const DEFAULT_MAX_SPOOL_BYTES = 512 * 1024 * 1024
const MANIFEST = 'manifest.json'
/** Which files a run over its cap loses first. */
const DROP_ORDER: Record<ArtifactFile['type'], number> = { trace: 0, log: 1, screenshot: 2 }

export interface SpooledFile extends ArtifactFile {
  sha256: string
}

export interface SpooledRun {
  resultId: string
  checkId: string
  createdAt: number
  status: CheckStatus
  errorCode?: string
  files: SpooledFile[]
}

export interface ArtifactSpoolOptions {
  dir: string
  maxRunBytes?: number
  maxTotalBytes?: number
  logger: Logger
  /** Called when a run is added, to wake the sender. */
  onAdded?: () => void
}

export class ArtifactSpool implements ArtifactSink {
  readonly #dir: string
  #dropped = 0

  constructor(private readonly options: ArtifactSpoolOptions) {
    this.#dir = options.dir
    mkdirSync(this.#dir, { recursive: true })
  }

  /** Runs dropped to stay under the caps, since start. */
  dropped(): number {
    return this.#dropped
  }

  /**
   * Takes a run's folder. A run that is still waiting here (a failed run whose re-run
   * trace comes later) gets the new files beside those it has, within its cap.
   */
  keep(run: KeptRun): ArtifactFile[] {
    const maxRun = this.options.maxRunBytes ?? DEFAULT_MAX_RUN_BYTES
    const target = join(this.#dir, run.resultId)
    const earlier = existsSync(target) ? this.read(run.resultId) : undefined
    // Smallest loss first: drop by type, and within a type the latest files.
    const byLoss = [...run.files].sort(
      (a, b) =>
        DROP_ORDER[a.type] - DROP_ORDER[b.type] || run.files.indexOf(b) - run.files.indexOf(a),
    )
    let total = [...(earlier?.files ?? []), ...run.files].reduce((sum, f) => sum + f.bytes, 0)
    const dropped = new Set<string>()
    for (const file of byLoss) {
      if (total <= maxRun) break
      dropped.add(file.name)
      total -= file.bytes
      rmSync(join(run.dir, file.name), { force: true })
    }
    if (dropped.size > 0) {
      this.options.logger.warn(
        { resultId: run.resultId, dropped: [...dropped], maxRunBytes: maxRun },
        "a browser run's artifacts are over the per-run cap; dropped some",
      )
    }
    const files: SpooledFile[] = run.files
      .filter((file) => !dropped.has(file.name) && existsSync(join(run.dir, file.name)))
      .map((file) => ({
        ...file,
        sha256: createHash('sha256')
          .update(readFileSync(join(run.dir, file.name)))
          .digest('hex'),
      }))
    if (files.length === 0) {
      rmSync(run.dir, { recursive: true, force: true })
      return []
    }
    if (earlier) {
      for (const file of files) renameSync(join(run.dir, file.name), join(target, file.name))
      rmSync(run.dir, { recursive: true, force: true })
      // Written aside and renamed: the sender never reads half a manifest.
      const manifest: SpooledRun = { ...earlier, files: [...earlier.files, ...files] }
      writeFileSync(join(target, `${MANIFEST}.new`), JSON.stringify(manifest))
      renameSync(join(target, `${MANIFEST}.new`), join(target, MANIFEST))
    } else {
      const manifest: SpooledRun = {
        resultId: run.resultId,
        checkId: run.checkId,
        createdAt: decodeTime(run.resultId),
        status: run.verdict.status,
        ...(run.verdict.errorCode ? { errorCode: run.verdict.errorCode } : {}),
        files,
      }
      writeFileSync(join(run.dir, MANIFEST), JSON.stringify(manifest))
      rmSync(target, { recursive: true, force: true })
      renameSync(run.dir, target)
    }
    this.#enforceTotal()
    this.options.onAdded?.()
    return files.map(({ sha256: _sha, ...file }) => file)
  }

  #runIds(): string[] {
    try {
      return readdirSync(this.#dir)
        .filter((name) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(name))
        .sort()
    } catch {
      return []
    }
  }

  #size(resultId: string): number {
    let total = 0
    for (const name of readdirSync(join(this.#dir, resultId))) {
      total += statSync(join(this.#dir, resultId, name)).size
    }
    return total
  }

  #enforceTotal(): void {
    const max = this.options.maxTotalBytes ?? DEFAULT_MAX_SPOOL_BYTES
    const ids = this.#runIds()
    const sizes = new Map(ids.map((id) => [id, this.#size(id)]))
    let total = [...sizes.values()].reduce((a, b) => a + b, 0)
    for (const id of ids) {
      if (total <= max) break
      total -= sizes.get(id)!
      rmSync(join(this.#dir, id), { recursive: true, force: true })
      this.#dropped += 1
      this.options.logger.warn(
        { resultId: id, maxTotalBytes: max },
        'the artifact spool is full; dropped its oldest run',
      )
    }
  }

  /** Runs waiting for the hub, oldest first, with the files still to send. */
  pending(): SpooledRun[] {
    const runs: SpooledRun[] = []
    for (const id of this.#runIds()) {
      const run = this.read(id)
      if (run) runs.push(run)
    }
    return runs
  }

  read(resultId: string): SpooledRun | undefined {
    const dir = join(this.#dir, resultId)
    let manifest: SpooledRun
    try {
      manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as SpooledRun
    } catch {
      // A run cut off before its manifest was written: nothing to send.
      rmSync(dir, { recursive: true, force: true })
      return undefined
    }
    const files = manifest.files.filter((file) => existsSync(join(dir, file.name)))
    if (files.length === 0) {
      rmSync(dir, { recursive: true, force: true })
      return undefined
    }
    return { ...manifest, files }
  }

  /** The file's path on disk. */
  path(resultId: string, name: string): string {
    return join(this.#dir, resultId, name)
  }

  /** The hub has the file (or refused it): it goes, and its run with its last file. */
  remove(resultId: string, name: string): void {
    rmSync(this.path(resultId, name), { force: true })
    this.read(resultId)
  }
}
