/**
 * The hub's artifact path, wired: the store, the receiver of probes' chunks, a timer
 * that applies the retention and sweeps partial files no probe finished, the routes
 * that serve them (hub/api/artifact-routes.ts), and the evidence the internal view shows.
 */
import { readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ArtifactAck } from '../../checks/artifact-wire.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import type { Hono } from 'hono'
import { artifactRoutes, artifactUrl, evidenceMarkdown } from '../api/artifact-routes.ts'
import type { Incident, IncidentStore } from '../incidents/incident-store.ts'
import type { Database } from '../store/database.ts'
import { ArtifactReceiver } from './artifact-receiver.ts'
import {
  ArtifactStore,
  DEFAULT_ARTIFACT_RETENTION_MS,
  evidenceScreenshot,
} from './artifact-store.ts'

/** How often retention runs; artifacts are kept for days, so minutes do not matter. */
const PRUNE_INTERVAL_MS = 10 * 60_000
/** A partial file untouched this long was given up by its probe (it dropped the run). */
const ABANDONED_PARTIAL_MS = 24 * 3_600_000
/** The internal view shows a check's last failure screenshot for this long. */
const EVIDENCE_SHOWN_MS = 24 * 3_600_000

/** Browser runs' artifacts on the hub (`--artifact-retention`, `--artifact-max-bytes`). */
export interface ArtifactOptions {
  /** Default 14 days. */
  retentionMs?: number
  /** Default 2 GiB. */
  maxBytes?: number
}

export interface HubArtifacts {
  store: ArtifactStore
  receiver: ArtifactReceiver
  /** Takes a chunk from `artifacts/{probeId}`; errors are logged. */
  receive(probeId: string, payload: Buffer): void
  evidence: {
    /** The screenshot of a check's last failed run in the last day, for the internal view. */
    lastScreenshot(checkId: string): { url: string; at: number } | undefined
    /** The incident report's evidence section, its links under `base`. */
    report(incident: Incident, base: string): string
  }
  /** The artifact API and the internal incident page (hub/api/artifact-routes.ts). */
  routes: Hono
  close(): void
}

export function startArtifacts(deps: {
  db: Database
  config: () => { project: string; checks: CheckSpec[] }
  incidents: Pick<IncidentStore, 'get'>
  link: { artifactAck: (probeId: string, ack: ArtifactAck) => void }
  clock: Clock
  logger: Logger
  options: { dataDir: string; apiToken?: string; artifacts?: ArtifactOptions }
}): HubArtifacts {
  const { clock, logger } = deps
  const checks = () => deps.config().checks
  const { dataDir, artifacts: limits } = deps.options
  const root = join(dataDir, 'artifacts')
  const partialDir = join(dataDir, 'artifacts-partial')
  const store = new ArtifactStore({
    db: deps.db,
    dir: root,
    retentionMs: limits?.retentionMs,
    maxBytes: limits?.maxBytes,
    logger,
  })
  const receiver = new ArtifactReceiver({
    store,
    partialDir,
    knownCheck: (checkId) =>
      checks().some((check) => check.id === checkId && check.kind === 'browser'),
    ack: (probeId, ack) => deps.link.artifactAck(probeId, ack),
    now: () => clock.now(),
    logger,
  })
  const sweep = () => {
    try {
      store.prune(clock.now())
      const retention = limits?.retentionMs ?? DEFAULT_ARTIFACT_RETENTION_MS
      sweepPartials(partialDir, Date.now() - Math.min(ABANDONED_PARTIAL_MS, retention))
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'pruning artifacts failed')
    }
  }
  sweep()
  const timer = setInterval(sweep, PRUNE_INTERVAL_MS)
  timer.unref()
  return {
    store,
    receiver,
    receive(probeId, payload) {
      receiver.handle(probeId, payload).catch((error: unknown) => {
        logger.error({ err: error, probeId }, 'storing an artifact chunk failed')
      })
    },
    evidence: {
      lastScreenshot(checkId) {
        const run = store.lastFailure(checkId, { from: clock.now() - EVIDENCE_SHOWN_MS })
        const shot = run && evidenceScreenshot(run)
        return run && shot ? { url: artifactUrl(run.resultId, shot), at: run.createdAt } : undefined
      },
      report: (incident, base) => evidenceMarkdown(store, incident, clock.now(), base),
    },
    routes: artifactRoutes({
      store,
      checks,
      incident: (id) => deps.incidents.get(id) ?? undefined,
      project: () => deps.config().project,
      apiToken: deps.options.apiToken,
      now: () => clock.now(),
    }),
    close: () => clearInterval(timer),
  }
}

/** Removes partial files (probe/result folders) last written before `before`. */
function sweepPartials(dir: string, before: number): void {
  let probes: string[]
  try {
    probes = readdirSync(dir)
  } catch {
    return
  }
  for (const probe of probes) {
    for (const run of readdirSync(join(dir, probe))) {
      const path = join(dir, probe, run)
      if (statSync(path).mtimeMs < before) rmSync(path, { recursive: true, force: true })
    }
  }
}
