/**
 * Auto-remediation: once a check is confirmed DOWN, the hub runs the actions
 * its `remediate` list names, in order: a webhook POST, or a command from the hub's own
 * allow-list (remediation-commands.ts). Each run goes on the incident timeline and is
 * followed by a confirmation round, so the engine learns at once whether it helped.
 *
 * Two limits keep a remedy from becoming the next outage:
 * - `cooldown` is per check and action across incidents, so a check that flaps cannot
 *   restart a service every minute;
 * - `maxAttempts` is per incident and action, and survives a hub restart: the count is
 *   read back from the timeline of the open incident.
 * While an incident stays open, tick() runs an action again once its cooldown passed.
 */
import { parseDuration } from '../../../checks/duration.ts'
import type { CheckSpec } from '../../../checks/spec.ts'
import type { RemediationAction } from '../../../checks/specs/common.ts'
import type { Clock } from '../../../lib/clock.ts'
import type { Logger } from '../../../lib/logger.ts'
import {
  actionIdOf,
  actionLabel,
  runAction,
  type RemediationEntry,
  type RunCommand,
} from './remediation-actions.ts'
import { runRemediationCommand, type RemediationCommand } from './remediation-commands.ts'

export type { RemediationEntry, RunCommand } from './remediation-actions.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type {
  Incident,
  IncidentError,
  IncidentStore,
  TimelineEntry,
} from '../../incidents/incident-store.ts'

/** How long close() waits for aborted actions to wind down before letting shutdown go on. */
const CLOSE_GRACE_MS = 2_000

export interface RemediationOptions {
  clock: Clock
  logger: Logger
  incidents: IncidentStore
  /** The hub's allow-list, read at each run. */
  commands: () => ReadonlyMap<string, RemediationCommand>
  /** The deployed check with this id, read at each run so that deploys take effect. */
  check: (checkId: string) => CheckSpec | undefined
  /** Ask the check's regions to run it now (a confirmation round); returns what was sent. */
  confirm: (checkId: string) => unknown
  /** Injected for tests; default spawns the process (argv, no shell, timeout, output capped at 4 KiB). */
  runCommand?: RunCommand
}

/** An open DOWN incident and what was done about it. */
interface Track {
  incidentId: string
  checkId: string
  checkName: string | undefined
  regions: string[]
  firstError: IncidentError | null
  /** Runs per actionId in this incident. */
  attempts: Map<string, number>
  /** `${actionId} ${reason}` of skips already on the timeline, so each is written once. */
  noted: Set<string>
  busy: boolean
}

/**
 * Runs remediation actions for DOWN incidents.
 *
 * @example
 * const remediation = new Remediation({ clock, logger, incidents, commands: () => allowList,
 *   check: (id) => live.check(id), confirm: (id) => confirmations.everyRegion(id) })
 * // in the alert engine's onEvent: remediation.onEvent(event); every second: remediation.tick()
 */
export class Remediation {
  readonly #options: RemediationOptions
  readonly #runCommand: RunCommand
  /** Keyed by incident id. */
  readonly #tracks = new Map<string, Track>()
  /** When each check+action last ran (`${checkId} ${actionId}`), across incidents. */
  readonly #lastRun = new Map<string, number>()
  readonly #running = new Set<Promise<void>>()
  readonly #shutdown = new AbortController()

  /** Picks up the open DOWN incidents and what their timelines say was already done. */
  constructor(options: RemediationOptions) {
    this.#options = options
    this.#runCommand = options.runCommand ?? runRemediationCommand
    for (const incident of options.incidents.openIncidents()) {
      if (incident.kind === 'down') this.#restore(incident)
    }
  }

  /** Acts on a check's DOWN firing; forgets the incident when it resolves. Never throws. */
  onEvent(event: AlertEvent): void {
    try {
      if ((event.subject ?? 'check') !== 'check') return
      if (event.type === 'resolved') {
        this.#tracks.delete(event.incidentId)
        return
      }
      if (event.type !== 'fired' || (event.severity ?? 'down') !== 'down') return
      if (this.#shutdown.signal.aborted || this.#tracks.has(event.incidentId)) return
      const track = newTrack(event.incidentId, event.checkId, event.regions, event.firstError)
      track.checkName = event.checkName
      this.#tracks.set(event.incidentId, track)
      this.#pass(track, true)
    } catch (error) {
      this.#options.logger.error({ err: error, checkId: event.checkId }, 'remediation failed')
    }
  }

  /** Called every second: runs actions whose cooldown passed while their incident is open. */
  tick(): void {
    if (this.#shutdown.signal.aborted) return
    for (const track of this.#tracks.values()) {
      if (track.busy) continue
      try {
        this.#pass(track, false)
      } catch (error) {
        this.#options.logger.error({ err: error, checkId: track.checkId }, 'remediation failed')
      }
    }
  }

  /** Resolves once no action is running. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running])
  }

  /** Aborts running actions and starts no more; waits a little for them, never for long. */
  async close(): Promise<void> {
    this.#shutdown.abort()
    let timer: NodeJS.Timeout | undefined
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_GRACE_MS)
      timer.unref()
    })
    await Promise.race([this.idle(), grace])
    clearTimeout(timer)
  }

  #restore(incident: Incident): void {
    const track = newTrack(
      incident.incidentId,
      incident.checkId,
      incident.regions,
      incident.firstError,
    )
    const timeline = this.#options.incidents.get(incident.incidentId)?.timeline ?? []
    for (const entry of timeline) this.#replay(track, entry)
    this.#tracks.set(incident.incidentId, track)
  }

  /** Counts one timeline entry of an earlier hub process toward the limits. */
  #replay(track: Track, { at, type, detail }: TimelineEntry): void {
    if (type !== 'remediation' || typeof detail.actionId !== 'string') return
    const { actionId, outcome, reason, durationMs } = detail
    if (outcome === 'skipped') {
      track.noted.add(`${actionId} ${String(reason)}`)
      return
    }
    track.attempts.set(actionId, (track.attempts.get(actionId) ?? 0) + 1)
    const startedAt = at - (typeof durationMs === 'number' ? durationMs : 0)
    const key = `${track.checkId} ${actionId}`
    this.#lastRun.set(key, Math.max(this.#lastRun.get(key) ?? startedAt, startedAt))
  }

  /**
   * Starts the actions that are due, one after another. `atFire` notes on the timeline
   * the actions held back by a cooldown from an earlier incident; later passes wait
   * for cooldowns silently, since that is the expected rhythm.
   */
  #pass(track: Track, atFire: boolean): void {
    const spec = this.#options.check(track.checkId)
    const now = this.#options.clock.now()
    const due: RemediationAction[] = []
    const skips: [RemediationAction, attempt: number, reason: string][] = []
    for (const action of spec?.remediate ?? []) {
      const actionId = actionIdOf(action)
      const last = this.#lastRun.get(`${track.checkId} ${actionId}`)
      const attempts = track.attempts.get(actionId) ?? 0
      if (last !== undefined && now - last < parseDuration(action.cooldown)) {
        if (atFire) skips.push([action, attempts + 1, 'cooldown'])
      } else if (attempts >= action.maxAttempts) {
        skips.push([action, attempts, 'attempt limit'])
      } else {
        due.push(action)
      }
    }
    const unnoted = skips.filter(
      ([action, , reason]) => !track.noted.has(`${actionIdOf(action)} ${reason}`),
    )
    if (due.length === 0 && unnoted.length === 0) return
    if (!this.#stillOpen(track)) return
    for (const [action, attempt, reason] of unnoted) this.#skip(track, action, attempt, reason)
    if (due.length === 0) return
    track.busy = true
    const run = this.#runInOrder(track, due).finally(() => {
      track.busy = false
      this.#running.delete(run)
    })
    this.#running.add(run)
  }

  /**
   * False, and the incident forgotten, once it resolved, even if this process did not
   * hear of it (the check removed while the hub was down, say). Asked only when there
   * is something to do, so idle ticks cost no query.
   */
  #stillOpen(track: Track): boolean {
    if (this.#options.incidents.openFor(track.checkId)?.incidentId === track.incidentId) return true
    this.#tracks.delete(track.incidentId)
    return false
  }

  #skip(track: Track, action: RemediationAction, attempt: number, reason: string): void {
    const actionId = actionIdOf(action)
    track.noted.add(`${actionId} ${reason}`)
    const entry: RemediationEntry = {
      action: actionLabel(action),
      actionId,
      attempt,
      outcome: 'skipped',
      reason,
    }
    this.#options.incidents.addEvent(track.incidentId, this.#options.clock.now(), 'remediation', {
      ...entry,
    })
  }

  async #runInOrder(track: Track, actions: RemediationAction[]): Promise<void> {
    const { incidents, clock, logger } = this.#options
    try {
      for (const action of actions) {
        if (this.#shutdown.signal.aborted || this.#tracks.get(track.incidentId) !== track) return
        if (!this.#stillOpen(track)) return
        const actionId = actionIdOf(action)
        const attempt = (track.attempts.get(actionId) ?? 0) + 1
        track.attempts.set(actionId, attempt)
        this.#lastRun.set(`${track.checkId} ${actionId}`, clock.now())
        const { entry, ran } = await runAction(action, {
          attempt,
          webhookBody: () => this.#webhookBody(track, attempt),
          env: {
            VANTAGE_CHECK_ID: track.checkId,
            VANTAGE_INCIDENT_ID: track.incidentId,
            VANTAGE_ATTEMPT: String(attempt),
          },
          commands: this.#options.commands(),
          runCommand: this.#runCommand,
          signal: this.#shutdown.signal,
        })
        incidents.addEvent(track.incidentId, clock.now(), 'remediation', { ...entry })
        logger[entry.outcome === 'ok' ? 'info' : 'warn'](
          { checkId: track.checkId, incidentId: track.incidentId, ...entry },
          `remediation ${entry.action} ${entry.outcome}`,
        )
        // Nothing changed when nothing ran, so there is nothing to confirm.
        if (!ran) continue
        const sent = this.#options.confirm(track.checkId)
        incidents.addEvent(track.incidentId, clock.now(), 'confirmation', {
          after: 'remediation',
          probes: Array.isArray(sent) ? sent.length : 0,
        })
      }
    } catch (error) {
      logger.error({ err: error, checkId: track.checkId }, 'remediation failed')
    }
  }

  #webhookBody(track: Track, attempt: number) {
    return {
      checkId: track.checkId,
      checkName: track.checkName ?? this.#options.check(track.checkId)?.name ?? track.checkId,
      incidentId: track.incidentId,
      attempt,
      regions: track.regions,
      firstError: track.firstError,
      at: this.#options.clock.now(),
    }
  }
}

function newTrack(
  incidentId: string,
  checkId: string,
  regions: string[],
  firstError: IncidentError | null,
): Track {
  return {
    incidentId,
    checkId,
    checkName: undefined,
    regions,
    firstError,
    attempts: new Map(),
    noted: new Set(),
    busy: false,
  }
}
