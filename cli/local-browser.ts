/**
 * Browser checks for `vantage test`: the probe's own browser pool (probe/browser/), so
 * a local run means what a probe's run means, with this machine's environment standing
 * in for the hub's secrets. With `--artifacts DIR` every run keeps its screenshots,
 * trace and console log in `DIR/<check>-<result id>/`; without it none are taken.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { BrowserEngine } from '../checks/browser/engine.ts'
import type { ArtifactFile } from '../checks/browser/browser-result.ts'
import type { CheckSpec } from '../checks/spec.ts'
import { createLogger } from '../lib/logger.ts'
import { findChromium } from '../probe/browser/find-chromium.ts'
import { BrowserPool, type ArtifactSink, type KeptRun } from '../probe/browser/pool.ts'

export interface LocalBrowser {
  engine: BrowserEngine | undefined
  /** Why there is no engine, when there is none. */
  problem: string | undefined
  /** The check as this run makes it: secrets from here, artifacts as `--artifacts` asks. */
  prepare(check: CheckSpec): CheckSpec
  /** Where each check's artifacts went, by check id. */
  kept: Map<string, string>
  stop(): Promise<void>
}

class FolderSink implements ArtifactSink {
  constructor(
    private readonly dir: string,
    private readonly kept: Map<string, string>,
  ) {}

  keep(run: KeptRun): ArtifactFile[] {
    const target = join(this.dir, `${run.checkId}-${run.resultId}`)
    mkdirSync(this.dir, { recursive: true })
    renameSync(run.dir, target)
    this.kept.set(run.checkId, target)
    return run.files
  }
}

export async function startLocalBrowser(
  checks: readonly CheckSpec[],
  artifactsDir: string | undefined,
): Promise<LocalBrowser> {
  const kept = new Map<string, string>()
  const prepare = (check: CheckSpec): CheckSpec => {
    if (check.kind !== 'browser') return check
    const secretValues: Record<string, string> = {}
    for (const name of check.secrets) {
      const value = process.env[name]
      if (value !== undefined) secretValues[name] = value
    }
    // With --artifacts every run is traced (unless the check says never): a local run is
    // a one-off, and its own trace says more than a re-run's.
    const artifacts = artifactsDir
      ? {
          ...check.artifacts,
          when: 'always' as const,
          trace: check.artifacts.trace === false ? false : ('always' as const),
        }
      : { ...check.artifacts, when: 'never' as const, trace: false }
    return { ...check, secretValues, artifacts }
  }
  const none = (problem: string | undefined): LocalBrowser => ({
    engine: undefined,
    problem,
    prepare,
    kept,
    stop: async () => undefined,
  })
  if (!checks.some((check) => check.kind === 'browser')) return none(undefined)
  const found = findChromium()
  if (!found.ok) return none(found.reason)
  const workDir = mkdtempSync(join(tmpdir(), 'vantage-test-'))
  const pool = new BrowserPool({
    chromium: found.location,
    workDir,
    sink: new FolderSink(resolve(artifactsDir ?? workDir), kept),
    // Quiet: the report says what matters; a broken browser shows in its results.
    logger: createLogger('browser', process.env.VANTAGE_LOG_LEVEL ?? 'warn'),
  })
  try {
    await pool.start()
  } catch (error) {
    await pool.stop()
    rmSync(workDir, { recursive: true, force: true })
    return none(`Chromium would not start: ${(error as Error).message}`)
  }
  return {
    engine: pool,
    problem: undefined,
    prepare,
    kept,
    async stop() {
      await pool.stop()
      rmSync(workDir, { recursive: true, force: true })
    },
  }
}
