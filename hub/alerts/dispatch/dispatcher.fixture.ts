/**
 * A dispatcher on a virtual clock and a real in-memory IncidentStore, with the engine's
 * state and the silences as plain maps the test sets, and every `send` captured.
 * Incidents are opened and resolved as the engine does, then handed to the dispatcher.
 */
import Database from 'better-sqlite3'
import { expect } from 'vitest'
import { validateMonitoring, type MonitoringConfig } from '../../../checks/validate.ts'
import { ManualClock } from '../../../lib/clock.ts'
import { silentLogger } from '../../../lib/logger.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { CheckAlertState } from '../alert-state.ts'
import { AlertDispatcher, type Suppression } from './dispatcher.ts'
import { IncidentStore } from '../../incidents/incident-store.ts'

export const T0 = Date.UTC(2026, 0, 1)
export const MIN = 60_000

export interface Sent {
  event: AlertEvent
  channels: string[]
  groupKey: string | null
}

/** A valid config from a raw project: channels by name, checks by id and tags. */
export function monitoringConfig(raw: {
  channels: string[]
  routes?: unknown[]
  alerting?: Record<string, unknown>
  checks: {
    id: string
    tags?: string[]
    notify?: string[]
    dependsOn?: string[]
    regions?: string[]
    every?: string
    alert?: Record<string, unknown>
  }[]
}): MonitoringConfig {
  const outcome = validateMonitoring({
    channels: raw.channels.map((name) => ({ type: 'console', name })),
    routes: raw.routes ?? [],
    alerting: raw.alerting ?? {},
    checks: raw.checks.map((check) => ({
      kind: 'http',
      url: `https://${check.id}.example.com`,
      regions: ['eu', 'us'],
      ...check,
    })),
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config
}

export function dispatcherFixture(initial: MonitoringConfig) {
  const db = new Database(':memory:')
  const clock = new ManualClock(T0)
  const incidents = new IncidentStore(db)
  const sent: Sent[] = []
  const status = new Map<string, CheckAlertState['status']>()
  const flapping = new Set<string>()
  /** Checks whose newest result is down somewhere while their status says otherwise. */
  const failingSomewhere = new Set<string>()
  /** When each check was last measured; a check not listed was measured just now. */
  const measuredAt = new Map<string, number>()
  /** Checks the dispatcher asked to run now. */
  const confirmed: string[] = []
  /** Anything else a test sets on a check's engine state (failing regions, series). */
  const stateOf = new Map<string, Partial<CheckAlertState>>()
  const silenced = new Map<string, string>()
  let config = initial

  function create(): AlertDispatcher {
    return new AlertDispatcher({
      db,
      clock,
      logger: silentLogger(),
      incidents,
      config: () => config,
      checkState: (checkId) => ({
        checkId,
        status: status.get(checkId) ?? 'up',
        regions: {},
        failingRegions: [],
        since: null,
        incidentId: null,
        flapping: flapping.has(checkId),
        failingSomewhere: failingSomewhere.has(checkId),
        lastMeasuredAt: measuredAt.get(checkId) ?? clock.now(),
        ...stateOf.get(checkId),
      }),
      send: (event, channels, { groupKey }) => sent.push({ event, channels, groupKey }),
      suppression: (check, _at): Suppression | null => {
        const reason = silenced.get(check.id)
        return reason === undefined ? null : { reason }
      },
      confirm: (checkId) => confirmed.push(checkId),
    })
  }

  let dispatcher = create()

  /** Opens a DOWN incident as the engine does, and hands its fired event over. */
  function fire(checkId: string, extra: Partial<AlertEvent> = {}): string {
    const at = clock.now()
    const incidentId = incidents.open({ checkId, at, regions: ['eu', 'us'], firstError: null })
    status.set(checkId, 'down')
    const spec = config.checks.find((check) => check.id === checkId)
    dispatcher.handle({
      type: 'fired',
      severity: 'down',
      incidentId,
      checkId,
      checkName: checkId,
      at,
      regions: ['eu', 'us'],
      quorum: 2,
      firstError: null,
      tags: spec?.tags ?? [],
      ...extra,
    })
    return incidentId
  }

  /** Resolves the incident as the engine does, and hands its resolved event over. */
  function resolve(incidentId: string): void {
    const incident = incidents.get(incidentId)
    if (!incident) throw new Error(`no incident ${incidentId}`)
    const at = clock.now()
    incidents.resolve(incidentId, at)
    status.set(incident.checkId, 'up')
    dispatcher.handle({
      type: 'resolved',
      incidentId,
      checkId: incident.checkId,
      checkName: incident.checkId,
      at,
      regions: incident.regions,
      quorum: 2,
      firstError: null,
      durationMs: at - incident.startedAt,
    })
  }

  /** Moves the clock in one-second ticks, as the hub's timer does. */
  function runFor(ms: number): void {
    for (let elapsed = 0; elapsed < ms; elapsed += 1_000) {
      clock.advance(1_000)
      dispatcher.tick()
    }
  }

  /** Takes what was sent so far, leaving the list empty. */
  function drain(): Sent[] {
    return sent.splice(0)
  }

  function timelineTypes(incidentId: string): string[] {
    return incidents.get(incidentId)?.timeline.map((entry) => entry.type) ?? []
  }

  return {
    db,
    clock,
    incidents,
    sent,
    status,
    flapping,
    silenced,
    failingSomewhere,
    measuredAt,
    confirmed,
    stateOf,
    get dispatcher() {
      return dispatcher
    },
    setConfig(next: MonitoringConfig) {
      config = next
    },
    /** A new dispatcher on the same database, as after a hub restart. */
    restart() {
      dispatcher = create()
    },
    fire,
    resolve,
    runFor,
    drain,
    timelineTypes,
  }
}

/** The (type, channels) pairs of the sends, for compact assertions. */
export function summary(sent: Sent[]): [string, string[]][] {
  return sent.map((s) => [s.event.type, s.channels])
}

export function expectNothingSent(sent: Sent[]): void {
  expect(summary(sent)).toEqual([])
}
