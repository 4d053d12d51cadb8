/**
 * Silences and maintenance windows: spans of time in which matched checks do not page.
 *
 * - A **silence** mutes notifications only. The alert engine keeps judging the check,
 *   so when the silence ends an outage that is still going is alerted at once.
 * - A **maintenance** window also takes the check's results out of the reckoning: they
 *   are stored as they were but count neither as up nor as down, for alerting and for
 *   availability (a planned restart is not an outage).
 *
 * Windows match checks by id or tag (checks/alerting.ts `matches`) and are one-off
 * (`start`/`end`, or `for` a duration from now) or recurring (`cron` + `duration`, UTC,
 * see cron-window.ts). Windows made through the API persist in the hub's lowdb state;
 * those in the monitoring file (`maintenance: [...]`) are read from the running config
 * on every question, so a deploy changes them at once, and they cannot be removed
 * through the API. One-off windows that ended are kept a week for the record.
 */
import { randomBytes } from 'node:crypto'
import { matches, type MaintenanceWindowConfig } from '../../checks/alerting.ts'
import type { CheckResult } from '../../checks/result.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import { formatPath } from '../../checks/issue-text.ts'
import type { MonitoringConfig } from '../../checks/validate.ts'
import type { Clock } from '../../lib/clock.ts'
import { createLogger } from '../../lib/logger.ts'
import type { TimeWindow } from '../views/availability.ts'
import type { HubState } from '../store/hub-state.ts'
import { createWindowSchema, timesOf } from './silence-input.ts'
import {
  compileConfigWindow,
  compileWindow,
  describeWindow,
  mergeSpans,
  spanAt,
  spansWithin,
  viewWindow,
  type CompiledWindow,
  type SilenceWindow,
  type WindowKind,
  type WindowView,
} from './silence-windows.ts'

export type { SilenceWindow, Span, WindowKind, WindowView } from './silence-windows.ts'

const DAY_MS = 86_400_000
/** Ended one-off windows stay listed this long, so "who silenced what last night" has an answer. */
const KEEP_ENDED_MS = 7 * DAY_MS
/**
 * Windows kept from the API. Far above any real use; it stops a script that creates a
 * silence in a loop from growing the state file (rewritten whole on every write).
 */
export const MAX_WINDOWS = 1_000

/** Why a check's notifications (and, for maintenance, its results) are held back. */
export interface Suppression {
  reason: string
  windowId: string
  kind: WindowKind
}

/** A window created or removed through the API, as change listeners hear it. */
export interface WindowChange {
  action: 'created' | 'removed'
  window: SilenceWindow
}

export type CreateOutcome = { ok: true; window: WindowView } | { ok: false; errors: string[] }

export type RemoveOutcome =
  | { removed: true; window: SilenceWindow }
  | { removed: false; reason: 'unknown' | 'read-only'; error: string }

export interface SilencesOptions {
  clock: Clock
  /** The running monitoring config; read on every question so that deploys take effect. */
  config: () => MonitoringConfig
  /** Where a window the hub cannot apply is reported; the hub's own log by default. */
  logger?: WarnLogger
}

/** The part of the hub's logger silences use. */
export interface WarnLogger {
  warn(fields: Record<string, unknown>, message: string): void
}

/**
 * @example
 * const silences = await Silences.open(state, { clock, config: () => live.config() })
 * await silences.create({ match: { checks: ['api'] }, for: '2h', reason: 'deploy' }, 'alice')
 * silences.suppression({ id: 'api', tags: [] }, clock.now()) // { kind: 'silence', ... }
 */
export class Silences {
  readonly #state: HubState
  readonly #clock: Clock
  readonly #config: () => MonitoringConfig
  #logger: WarnLogger | undefined
  #stored: CompiledWindow[]
  #fromConfig: { source: MaintenanceWindowConfig[] | undefined; windows: CompiledWindow[] } = {
    source: undefined,
    windows: [],
  }
  readonly #changeListeners: ((change: WindowChange) => void)[] = []

  private constructor(state: HubState, options: SilencesOptions) {
    this.#state = state
    this.#clock = options.clock
    this.#config = options.config
    this.#logger = options.logger
    this.#stored = state.windows().map((window) => compileWindow(window, 'api'))
    this.#reportUnusable(this.#stored, 'skipping a stored window the hub cannot apply; remove it')
  }

  /** Logs each window that never applies, once: when it is read, not on every question. */
  #reportUnusable(windows: CompiledWindow[], message: string): void {
    for (const { window, problem } of windows) {
      // The hub's own log unless told otherwise, made only when there is something to say.
      if (problem)
        (this.#logger ??= createLogger('hub')).warn(
          { windowId: window.id, kind: window.kind, problem },
          message,
        )
    }
  }

  static async open(state: HubState, options: SilencesOptions): Promise<Silences> {
    const silences = new Silences(state, options)
    if (silences.#prune()) await silences.#save()
    return silences
  }

  /**
   * Validates and stores a window. `kind` defaults to silence; `createdBy` is used when
   * the input names no author. Every problem is listed, each with its path.
   */
  async create(input: unknown, createdBy: string): Promise<CreateOutcome> {
    const parsed = createWindowSchema.safeParse(input)
    if (!parsed.success) {
      return {
        ok: false,
        errors: parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
      }
    }
    const body = parsed.data
    const now = this.#clock.now()
    const window: SilenceWindow = {
      id: this.#newId(body.kind),
      kind: body.kind,
      match: body.match,
      createdBy: body.createdBy ?? createdBy,
      createdAt: now,
    }
    if (body.reason !== undefined) window.reason = body.reason
    const { when, errors } = timesOf(body, now)
    Object.assign(window, when)
    this.#prune()
    if (this.#stored.length >= MAX_WINDOWS) {
      errors.push(`(root): the hub already keeps ${MAX_WINDOWS} windows; remove some first`)
    }
    if (errors.length > 0) return { ok: false, errors }
    const compiled = compileWindow(window, 'api')
    this.#stored.push(compiled)
    await this.#save()
    this.#changed({ action: 'created', window })
    return { ok: true, window: viewWindow(compiled, now) }
  }

  /** Hears every window created or removed through the API from now on. */
  onChange(listener: (change: WindowChange) => void): void {
    this.#changeListeners.push(listener)
  }

  #changed(change: WindowChange): void {
    for (const listener of this.#changeListeners) {
      try {
        listener(change)
      } catch {
        // A listener reports its own failures; the window is stored either way.
      }
    }
  }

  /** Removes a window made through the API. Windows of the monitoring file are read-only. */
  async remove(id: string): Promise<RemoveOutcome> {
    if (this.#configWindows().some(({ window }) => window.id === id)) {
      return {
        removed: false,
        reason: 'read-only',
        error: `window "${id}" comes from the monitoring file; remove it there and deploy`,
      }
    }
    const found = this.#stored.find(({ window }) => window.id === id)
    if (!found) return { removed: false, reason: 'unknown', error: `no window "${id}"` }
    this.#stored = this.#stored.filter((compiled) => compiled !== found)
    this.#prune()
    await this.#save()
    this.#changed({ action: 'removed', window: found.window })
    return { removed: true, window: found.window }
  }

  /** One window by id, as `list` shows it at the current time. */
  get(id: string): WindowView | undefined {
    const found = this.#all().find(({ window }) => window.id === id)
    return found && viewWindow(found, this.#clock.now())
  }

  /**
   * Every window, those of the monitoring file first, each with whether it is in force
   * now. With `activeAt`, only the windows in force at that instant, judged then.
   */
  list(options: { activeAt?: number } = {}): WindowView[] {
    const at = options.activeAt ?? this.#clock.now()
    const views = this.#all().map((compiled) => viewWindow(compiled, at))
    return options.activeAt === undefined ? views : views.filter((window) => window.active)
  }

  /**
   * Why `check` must not page at `at`, or null. Maintenance wins over a silence: it also
   * means its results are ignored, which the caller needs to know.
   */
  suppression(check: { id: string; tags: string[] }, at: number): Suppression | null {
    let silence: Suppression | null = null
    for (const compiled of this.#all()) {
      if (compiled.window.kind === 'silence' && silence) continue
      if (!matches(compiled.window.match, check)) continue
      const span = spanAt(compiled, at)
      if (!span) continue
      const found = {
        reason: describeWindow(compiled.window, span),
        windowId: compiled.window.id,
        kind: compiled.window.kind,
      }
      if (found.kind === 'maintenance') return found
      silence = found
    }
    return silence
  }

  /** True when a maintenance window covers the check at `at`: its result there counts for nothing. */
  inMaintenance(checkId: string, tags: string[], at: number): boolean {
    for (const compiled of this.#all()) {
      if (compiled.window.kind !== 'maintenance') continue
      if (matches(compiled.window.match, { id: checkId, tags }) && spanAt(compiled, at)) return true
    }
    return false
  }

  /**
   * A predicate for the result store and ingest: is this result's scheduled time inside
   * a maintenance window of its check? Tags come from `checks`, looked up by id once per
   * deployed check list rather than searched for each result.
   * @example new Ingest({ ..., inMaintenance: silences.resultPredicate(() => live.config().checks) })
   */
  resultPredicate(checks: () => CheckSpec[]): (result: CheckResult) => boolean {
    let indexed: { of: CheckSpec[]; tags: Map<string, string[]> } | undefined
    return (result) => {
      const list = checks()
      if (indexed?.of !== list) {
        indexed = { of: list, tags: new Map(list.map((spec) => [spec.id, spec.tags])) }
      }
      return this.inMaintenance(
        result.checkId,
        indexed.tags.get(result.checkId) ?? [],
        result.scheduledAt,
      )
    }
  }

  /**
   * The maintenance time of `check` within `[from, to)`, clipped, merged and in order:
   * what availability leaves out of both the window and the outage time.
   */
  maintenanceWindows(
    check: { id: string; tags: string[] },
    from: number,
    to: number,
  ): TimeWindow[] {
    const spans = this.#all()
      .filter(({ window }) => window.kind === 'maintenance' && matches(window.match, check))
      .flatMap((compiled) => spansWithin(compiled, from, to))
    return mergeSpans(spans).map(({ start, end }) => ({ from: start, to: end }))
  }

  #all(): CompiledWindow[] {
    return [...this.#configWindows(), ...this.#stored]
  }

  /** The file's windows, compiled again only when a deploy replaced the list. */
  #configWindows(): CompiledWindow[] {
    const source = this.#config().maintenance
    if (source === this.#fromConfig.source) return this.#fromConfig.windows
    const now = this.#clock.now()
    const windows = (source ?? []).map((entry, index) => compileConfigWindow(entry, index, now))
    this.#fromConfig = { source, windows }
    this.#reportUnusable(windows, 'a maintenance window of the monitoring file never applies')
    return windows
  }

  #newId(kind: WindowKind): string {
    const prefix = kind === 'silence' ? 's' : 'm'
    const taken = new Set(this.#stored.map(({ window }) => window.id))
    let id: string
    do id = `${prefix}-${randomBytes(4).toString('hex')}`
    while (taken.has(id))
    return id
  }

  /** Drops one-off windows that ended more than a week ago; true when any went. */
  #prune(): boolean {
    const cutoff = this.#clock.now() - KEEP_ENDED_MS
    const kept = this.#stored.filter(
      ({ window }) => window.end === undefined || window.end > cutoff,
    )
    const pruned = kept.length !== this.#stored.length
    this.#stored = kept
    return pruned
  }

  async #save(): Promise<void> {
    await this.#state.saveWindows(this.#stored.map(({ window }) => window))
  }
}
