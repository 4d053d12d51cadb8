/**
 * The alert engine's test bench, shared by the alert-engine*.test.ts files: a real engine
 * on a real in-memory SQLite store, driven in virtual time, with one check that runs in
 * three regions unless a test deploys others.
 */
import Database from 'better-sqlite3'
import { ulid } from 'ulid'
import type { CheckResult, CheckStatus } from '../../../checks/result.ts'
import { checkSpecSchema, type CheckSpec } from '../../../checks/spec.ts'
import { ManualClock } from '../../../lib/clock.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { ProbeInfo } from '../../probes/probe-info.ts'
import { AlertEngine, type AlertEngineOptions } from './alert-engine.ts'
import { IncidentStore } from '../../incidents/incident-store.ts'

export const MIN = 60_000
export const REGIONS = ['eu-west', 'us-east', 'ap-south']
export const refused = { code: 'CONNECT_REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8081' }
export const timeout = { code: 'TIMEOUT', message: 'no response within 10s' }

export function spec(overrides: Record<string, unknown> = {}): CheckSpec {
  return checkSpecSchema.parse({
    kind: 'http',
    id: 'api-health',
    url: 'http://127.0.0.1:8081/health',
    regions: REGIONS,
    ...overrides,
  })
}

export function result(
  region: string,
  status: CheckStatus,
  scheduledAt: number,
  extra: Partial<CheckResult> = {},
): CheckResult {
  return {
    id: ulid(scheduledAt),
    checkId: 'api-health',
    kind: 'http',
    configVersion: '1-abcdef12',
    probeId: `probe-${region}`,
    region,
    scheduledAt,
    startedAt: scheduledAt,
    durationMs: 12,
    status,
    ...(status === 'down' ? { error: refused } : {}),
    assertions: [],
    trigger: 'schedule',
    ...extra,
  }
}

/** A real engine on a real in-memory SQLite store, driven in virtual time. */
export function setup(
  specs: CheckSpec[] = [spec()],
  db = new Database(':memory:'),
  options: Partial<AlertEngineOptions> = {},
) {
  const clock = new ManualClock()
  const incidents = new IncidentStore(db)
  const events: AlertEvent[] = []
  const engine = new AlertEngine({
    clock,
    incidents,
    onEvent: (e) => events.push(e),
    ...options,
  })
  engine.setChecks(specs)
  /** One scheduled round: the clock moves a minute, then each listed region reports. */
  function round(statuses: Record<string, CheckStatus>, extra: Partial<CheckResult> = {}) {
    clock.advance(MIN)
    for (const [region, status] of Object.entries(statuses)) {
      engine.observe(result(region, status, clock.now(), extra))
    }
  }
  return { db, clock, incidents, events, engine, round }
}

export function probe(region: string, state: ProbeInfo['state'] = 'online'): ProbeInfo {
  return {
    probeId: `probe-${region}`,
    state,
    region,
    labels: {},
    capabilities: [],
    version: '1.0.0',
    lastSeen: 0,
  }
}

export const everyRegion = (status: CheckStatus) =>
  Object.fromEntries(REGIONS.map((region) => [region, status]))
