/**
 * Every deployed config, whole, in `deploys/<seq>.json` under the hub's data
 * directory: what a rollback restores and what a hub started without `--checks`
 * resumes. The files hold channel URLs and headers, which may be secrets, so they
 * stay on the hub, readable by its owner only, beside its signing key. They are
 * kept as separate files rather than in `state.json`, which lowdb rewrites whole on
 * every probe status: two hundred configs there would make each of those writes slow.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { MonitoringConfig } from '../../checks/validate.ts'
import { writeFileAtomic } from '../../lib/atomic-file.ts'

/** What one file holds; the config is re-validated when it is read back. */
export interface StoredDeploy {
  seq: number
  version: string
  createdAt: number
  source: string
  config: MonitoringConfig
}

const FILE = /^(\d+)\.json$/

/**
 * @example
 * const history = new DeployHistory(dataDir)
 * history.save({ seq: 4, version: '4-ab12cd34', createdAt, source, config })
 * validateMonitoring(history.loadConfig(4)) // re-validated: the schema may have changed since
 */
export class DeployHistory {
  readonly #dir: string

  constructor(dataDir: string) {
    this.#dir = join(dataDir, 'deploys')
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 })
  }

  /** Writes the deploy atomically: a crash leaves the old file or the new one, never half. */
  save(deploy: StoredDeploy): void {
    writeFileAtomic(this.#file(deploy.seq), `${JSON.stringify(deploy, null, 2)}\n`)
  }

  /** The stored config, unvalidated; undefined when there is none or it is not JSON. */
  loadConfig(seq: number): unknown {
    try {
      const stored = JSON.parse(readFileSync(this.#file(seq), 'utf8')) as { config?: unknown }
      return stored.config
    } catch {
      return undefined
    }
  }

  /** Deletes the files of deploys older than `oldestKept`, whose records are gone too. */
  prune(oldestKept: number): void {
    for (const name of readdirSync(this.#dir)) {
      const seq = Number(FILE.exec(name)?.[1] ?? Number.NaN)
      if (seq < oldestKept) rmSync(join(this.#dir, name), { force: true })
    }
  }

  #file(seq: number): string {
    return join(this.#dir, `${seq}.json`)
  }
}
