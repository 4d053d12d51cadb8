/**
 * How much the alert engine costs per stored result: the hub calls observe() for every
 * result it stores, inside ingest, so this bounds how much of the ingest rate it takes.
 * 200 checks × 3 regions, about 1 % down results, in virtual time on one thread.
 */
import Database from 'better-sqlite3'
import type { CheckResult } from '../../../checks/result.ts'
import { validateMonitoring } from '../../../checks/validate.ts'
import { ManualClock } from '../../../lib/clock.ts'
import { AlertEngine } from '../../../hub/alerts/engine/alert-engine.ts'
import { IncidentStore } from '../../../hub/incidents/incident-store.ts'
import type { ProbeInfo } from '../../../hub/probes/probe-info.ts'

const REGIONS = ['eu-west', 'us-east', 'ap-south']
const CHECKS = 200

export interface EngineThroughput {
  results: number
  perSecond: number
  microsPerResult: number
}

export function measureEngineThroughput(results = 300_000): EngineThroughput {
  const outcome = validateMonitoring({
    defaults: { regions: REGIONS },
    checks: Array.from({ length: CHECKS }, (_, i) => ({
      kind: 'http',
      id: `check-${i}`,
      url: 'http://127.0.0.1:9/',
    })),
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  const clock = new ManualClock(Date.UTC(2026, 0, 1))
  const db = new Database(':memory:')
  const engine = new AlertEngine({ clock, incidents: new IncidentStore(db), onEvent: () => {} })
  engine.setChecks(outcome.config.checks)
  engine.setProbes(REGIONS.map((region) => probe(region)))
  const started = performance.now()
  for (let i = 0; i < results; i++) {
    clock.advance(1)
    engine.observe(result(i, clock.now()))
  }
  const seconds = (performance.now() - started) / 1_000
  db.close()
  return {
    results,
    perSecond: Math.round(results / seconds),
    microsPerResult: (seconds * 1e6) / results,
  }
}

function probe(region: string): ProbeInfo {
  const base = { labels: {}, capabilities: ['http'], version: 'bench', lastSeen: 0 }
  return { probeId: `${region}-1`, region, state: 'online', ...base }
}

function result(i: number, at: number): CheckResult {
  const down = i % 97 === 0
  return {
    id: `r${i}`,
    checkId: `check-${i % CHECKS}`,
    kind: 'http',
    configVersion: 'bench',
    probeId: `${REGIONS[i % REGIONS.length]}-1`,
    region: REGIONS[i % REGIONS.length]!,
    scheduledAt: at,
    startedAt: at,
    durationMs: 12,
    status: down ? 'down' : 'up',
    ...(down ? { error: { code: 'HTTP_STATUS', message: 'status 503' } } : {}),
    assertions: [],
    trigger: 'schedule',
  } as CheckResult
}
