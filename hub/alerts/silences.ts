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
import { z } from 'zod'
import {
  maintenanceWindowSchema,
  matcherSchema,
  matches,
  type Matcher,
  type MaintenanceWindowConfig,
} from '../../checks/alerting.ts'
import { parseDuration } from '../../checks/duration.ts'
import type { CheckResult } from '../../checks/result.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import { durationSchema } from '../../checks/specs/common.ts'
import { formatPath, type MonitoringConfig } from '../../checks/validate.ts'
import type { Clock } from '../../lib/clock.ts'
import type { TimeWindow } from '../availability.ts'
import type { HubState } from '../state.ts'
import { cronProblem, currentWindow, nextStart, windowsBetween } from './cron-window.ts'

const DAY_MS = 86_400_000
/** Ended one-off windows stay listed this long, so "who silenced what last night" has an answer. */
const KEEP_ENDED_MS = 7 * DAY_MS
/**
 * Windows kept from the API. Far above any real use; it stops a script that creates a
 * silence in a loop from growing the state file (rewritten whole on every write).
 */
export const MAX_WINDOWS = 1_000
/** Longest `reason` and `createdBy` kept: a sentence and a user name fit easily. */
const MAX_REASON_LENGTH = 500
const MAX_AUTHOR_LENGTH = 200

export type WindowKind = 'silence' | 'maintenance'

/** A silence or maintenance window as stored. Either `start` + `end`, or `cron` + `duration`. */
export interface SilenceWindow {
  /** `s-…` for silences, `m-…` for maintenance from the API, `config-<index>` from the file. */
  id: string
  kind: WindowKind
  match: Matcher
  /** One-off window: from `start` (inclusive) to `end` (exclusive), epoch ms. */
  start?: number
  end?: number
  /** Recurring window: a five-field UTC cron expression and how long each window lasts. */
  cron?: string
  duration?: string
  reason?: string
  createdBy: string
  /** When the API created it; for a window of the monitoring file, when this hub first read it. */
  createdAt: number
}

/** A span `[start, end)` in epoch ms. */
export interface Span {
  start: number
  end: number
}

/** A window as listed: where it comes from and whether it is in force. */
export interface WindowView extends SilenceWindow {
  /** `config` windows come from the monitoring file and change only by a deploy. */
  source: 'api' | 'config'
  readOnly: boolean
  active: boolean
  /** The window in force at the asked instant, or null. */
  current: Span | null
  /** The next window to open after the asked instant; null when none will. */
  next: Span | null
  /** Why a window of the monitoring file never applies (e.g. a cron this hub cannot read). */
  problem?: string
}

/** Why a check's notifications (and, for maintenance, its results) are held back. */
export interface Suppression {
  reason: string
  windowId: string
  kind: WindowKind
}

export type CreateOutcome = { ok: true; window: WindowView } | { ok: false; errors: string[] }

export type RemoveOutcome =
  | { removed: true; window: SilenceWindow }
  | { removed: false; reason: 'unknown' | 'read-only'; error: string }

export interface SilencesOptions {
  clock: Clock
  /** The running monitoring config; read on every question so that deploys take effect. */
  config: () => MonitoringConfig
}

/** What the API takes to create a window. Times are ISO 8601; durations like `2h`. */
const createSchema = z
  .strictObject({
    kind: z.enum(['silence', 'maintenance']).default('silence'),
    match: matcherSchema.refine(
      (match) => (match.checks?.length ?? 0) + (match.tags?.length ?? 0) > 0,
      'name at least one check or tag: an empty match would silence every check',
    ),
    /** A one-off window from now. */
    for: durationSchema.optional(),
    start: z.iso.datetime({ offset: true }).optional(),
    end: z.iso.datetime({ offset: true }).optional(),
    cron: z
      .string()
      .refine((cron) => cronProblem(cron) === undefined, {
        error: (issue) => cronProblem(issue.input as string) ?? 'not a cron expression',
      })
      .optional(),
    duration: durationSchema.optional(),
    reason: z.string().max(MAX_REASON_LENGTH).optional(),
    createdBy: z.string().min(1).max(MAX_AUTHOR_LENGTH).optional(),
  })
  .superRefine((input, ctx) => {
    const oneOff = input.start !== undefined || input.end !== undefined
    const recurring = input.cron !== undefined || input.duration !== undefined
    const ways = [input.for !== undefined, oneOff, recurring].filter(Boolean).length
    if (ways === 0) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'say when: `for` (e.g. "2h"), `start` and `end`, or `cron` and `duration`',
      })
    } else if (ways > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'give only one of `for`, `start`/`end`, or `cron`/`duration`',
      })
    } else if (oneOff && input.end === undefined) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'required with start' })
    } else if (recurring && input.cron === undefined) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: 'required with duration' })
    } else if (recurring && input.duration === undefined) {
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'required with cron' })
    }
  })

type CreateInput = z.infer<typeof createSchema>

/** The time fields of a window from a body the schema passed, or what is still wrong with them. */
function timesOf(
  body: CreateInput,
  now: number,
): { when: Pick<SilenceWindow, 'start' | 'end' | 'cron' | 'duration'>; errors: string[] } {
  if (body.cron !== undefined && body.duration !== undefined) {
    const errors = parseDuration(body.duration) > 0 ? [] : ['duration: must be longer than 0']
    return { when: { cron: body.cron, duration: body.duration }, errors }
  }
  if (body.for !== undefined) {
    const forMs = parseDuration(body.for)
    const errors = forMs > 0 ? [] : ['for: must be longer than 0']
    return { when: { start: now, end: now + forMs }, errors }
  }
  const start = body.start === undefined ? now : Date.parse(body.start)
  const end = Date.parse(body.end!)
  const errors =
    end <= now
      ? ['end: is in the past, so the window would never apply']
      : end <= start
        ? ['end: must be after start']
        : []
  return { when: { start, end }, errors }
}

/** A window with its durations in ms, ready to answer questions. */
interface Compiled {
  window: SilenceWindow
  source: 'api' | 'config'
  durationMs?: number
  problem?: string
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
  #stored: Compiled[]
  #fromConfig: { source: MaintenanceWindowConfig[] | undefined; windows: Compiled[] } = {
    source: undefined,
    windows: [],
  }

  private constructor(state: HubState, options: SilencesOptions) {
    this.#state = state
    this.#clock = options.clock
    this.#config = options.config
    this.#stored = state.windows().map((window) => compile(window, 'api'))
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
    const parsed = createSchema.safeParse(input)
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
    const compiled = compile(window, 'api')
    this.#stored.push(compiled)
    await this.#save()
    return { ok: true, window: view(compiled, now) }
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
    return { removed: true, window: found.window }
  }

  /** One window by id, as `list` shows it at the current time. */
  get(id: string): WindowView | undefined {
    const found = this.#all().find(({ window }) => window.id === id)
    return found && view(found, this.#clock.now())
  }

  /**
   * Every window, those of the monitoring file first, each with whether it is in force
   * now. With `activeAt`, only the windows in force at that instant, judged then.
   */
  list(options: { activeAt?: number } = {}): WindowView[] {
    const at = options.activeAt ?? this.#clock.now()
    const views = this.#all().map((compiled) => view(compiled, at))
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
    const spans: Span[] = []
    for (const compiled of this.#all()) {
      const { window } = compiled
      if (window.kind !== 'maintenance' || !matches(window.match, check)) continue
      if (window.start !== undefined && window.end !== undefined) {
        spans.push({ start: Math.max(window.start, from), end: Math.min(window.end, to) })
      } else if (
        window.cron !== undefined &&
        compiled.durationMs !== undefined &&
        !compiled.problem
      ) {
        spans.push(...windowsBetween(window.cron, compiled.durationMs, from, to))
      }
    }
    return merge(spans).map(({ start, end }) => ({ from: start, to: end }))
  }

  #all(): Compiled[] {
    return [...this.#configWindows(), ...this.#stored]
  }

  /** The file's windows, compiled again only when a deploy replaced the list. */
  #configWindows(): Compiled[] {
    const source = this.#config().maintenance
    if (source === this.#fromConfig.source) return this.#fromConfig.windows
    const now = this.#clock.now()
    const windows = (source ?? []).map((entry, index) => fromConfig(entry, index, now))
    this.#fromConfig = { source, windows }
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

function compile(window: SilenceWindow, source: 'api' | 'config'): Compiled {
  if (window.cron === undefined || window.duration === undefined) return { window, source }
  const problem = cronProblem(window.cron)
  const durationMs = parseDuration(window.duration)
  return problem
    ? { window, source, durationMs, problem: `cron: ${problem}` }
    : { window, source, durationMs }
}

/**
 * A window of the monitoring file. It was validated at deploy; checked again here so
 * that a window the hub cannot read is shown with its problem and never applies,
 * instead of failing every question about every check.
 */
function fromConfig(entry: MaintenanceWindowConfig, index: number, now: number): Compiled {
  const id = `config-${index}`
  const base = { id, kind: 'maintenance' as const, createdBy: 'monitoring file', createdAt: now }
  const parsed = maintenanceWindowSchema.safeParse(entry)
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')
    // An unreadable matcher must not match everything: name a check that cannot exist.
    return { window: { ...base, match: { checks: [] } }, source: 'config', problem }
  }
  const { match, start, end, cron, duration, reason } = parsed.data
  const window: SilenceWindow = { ...base, match }
  if (reason !== undefined) window.reason = reason
  if (start !== undefined && end !== undefined) {
    window.start = Date.parse(start)
    window.end = Date.parse(end)
  }
  if (cron !== undefined && duration !== undefined) {
    window.cron = cron
    window.duration = duration
  }
  return compile(window, 'config')
}

/** The span of `compiled` in force at `at`, or null. */
function spanAt(compiled: Compiled, at: number): Span | null {
  const { window } = compiled
  if (compiled.problem) return null
  if (window.start !== undefined && window.end !== undefined) {
    return window.start <= at && at < window.end ? { start: window.start, end: window.end } : null
  }
  if (window.cron !== undefined && compiled.durationMs !== undefined) {
    return currentWindow(window.cron, compiled.durationMs, at)
  }
  return null
}

/** The next span of `compiled` to open after `at`. */
function nextSpan(compiled: Compiled, at: number): Span | null {
  const { window } = compiled
  if (compiled.problem) return null
  if (window.start !== undefined && window.end !== undefined) {
    return window.start > at ? { start: window.start, end: window.end } : null
  }
  if (window.cron !== undefined && compiled.durationMs !== undefined) {
    const start = nextStart(window.cron, at)
    return start === null ? null : { start, end: start + compiled.durationMs }
  }
  return null
}

function view(compiled: Compiled, at: number): WindowView {
  const current = spanAt(compiled, at)
  const shown: WindowView = {
    ...compiled.window,
    source: compiled.source,
    readOnly: compiled.source === 'config',
    active: current !== null,
    current,
    next: nextSpan(compiled, at),
  }
  if (compiled.problem) shown.problem = compiled.problem
  return shown
}

/** One line for logs and incident timelines: which window, why, and until when. */
function describeWindow(window: SilenceWindow, span: Span): string {
  const what = window.kind === 'silence' ? 'silence' : 'maintenance window'
  const why = window.reason ? ` (${window.reason})` : ''
  return `${what} ${window.id}${why} until ${new Date(span.end).toISOString()}`
}

/** Sorts spans and merges those that overlap or touch; empty spans are dropped. */
function merge(spans: Span[]): Span[] {
  const merged: Span[] = []
  for (const span of spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1)
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end)
    else merged.push({ ...span })
  }
  return merged
}
