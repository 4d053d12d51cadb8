/**
 * The SLO engine: keeps each SLO's minute slices (slo-ledger.ts), judges its burn-rate
 * rules and error budget every 30 seconds and whenever one of its checks changes state,
 * and opens and resolves its alerts (slo-alerts.ts).
 *
 * Per objective: a page while the 1h/5m or 6h/30m pair burns at 14.4× or 6× (and its
 * long window holds `alerts.minBadMinutes` bad minutes), a ticket while 1d/2h or 3d/6h
 * burns at 3× or 1×; either stays open for `alerts.keepFiringFor` after its last pair
 * stops, so sparse bad minutes keep one alert open instead of paging again and again
 * (Prometheus's keep_firing_for). A budget-exhausted ticket while nothing is
 * left, an SLI-missing ticket when no minute could be judged for `alerts.sliMissing`,
 * and a one-off notice at each budget threshold (50 and 75 % by default; 100 % is the
 * exhausted alert). Burn-rate windows end with the open minute; budget windows are the
 * objective's days to the hour (the open hour so far and the whole hours before it).
 */
import type { SloAlertKind } from '../../checks/alert-event.ts'
import { windowMs, type Objective, type SloDefinition } from '../../checks/slo.ts'
import { parseDuration } from '../../checks/duration.ts'
import type { MonitoringConfig } from '../../checks/validate.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import type { Slice } from '../history/state-roller.ts'
import { alertId, objectiveKey, type SloAlertBook, type SloEventFacts } from './slo-alerts.ts'
import { SHORT_WINDOWS, type SloLedger, type Sums } from './slo-ledger.ts'
import {
  addSums,
  burnRate,
  errorBudget,
  judgePairs,
  type ErrorBudget,
  type PairState,
} from './slo-math.ts'
import type { ThresholdMemory } from './threshold-memory.ts'

const MIN = 60_000
const HOUR = 60 * MIN

/** Names of the burn-rate windows, as views and gauges show them. */
export const WINDOW_NAMES: Record<number, string> = {
  5: '5m',
  30: '30m',
  60: '1h',
  120: '2h',
  360: '6h',
  1_440: '1d',
  4_320: '3d',
}

/** One objective judged now. */
export interface ObjectiveState {
  key: string
  objective: Objective
  budget: ErrorBudget
  /** Burn rate per window name (5m … 3d). */
  burnRates: Record<string, number>
  pairs: PairState[]
}

export interface SloEngineOptions {
  clock: Clock
  config: () => MonitoringConfig
  ledger: SloLedger
  alerts: SloAlertBook
  thresholds: ThresholdMemory
  /** The open minute of a check so far (the state roller's), or null. */
  openMinute?: (checkId: string) => Slice | null
  logger?: Logger
}

/** The ledger series of an SLO's checks: the check, or the check under a latency bound. */
export function seriesKeys(definition: SloDefinition): string[] {
  if (definition.sli === 'availability') return definition.checks
  const below = parseDuration(definition.sli.latency.below)
  return definition.checks.map((id) => `${id}@${below}`)
}

/**
 * @example
 * const engine = new SloEngine({ clock, config, ledger, alerts, thresholds, openMinute })
 * roller.onMinute((id, minute, slice) => engine.minute(id, minute, slice))
 * setInterval(() => engine.evaluate(), 30_000)
 */
export class SloEngine {
  readonly #options: SloEngineOptions
  readonly #started: number
  #keys: Set<string> = new Set()
  /** When a pair last fired for each open page or ticket, by alert id. */
  readonly #lastBurning = new Map<string, number>()
  /** Tags by check id, for the config they were read from. */
  #tagCache: { config: MonitoringConfig | null; tags: Map<string, string[]> } = {
    config: null,
    tags: new Map(),
  }

  constructor(options: SloEngineOptions) {
    this.#options = options
    this.#started = options.clock.now()
  }

  get ledger(): SloLedger {
    return this.#options.ledger
  }

  /** The SLOs deployed now. */
  definitions(): SloDefinition[] {
    return this.#options.config().slos ?? []
  }

  /** After a deploy: alerts of objectives that are gone close quietly. */
  setSlos(): void {
    const keys = new Set<string>()
    for (const definition of this.definitions()) {
      for (const o of definition.objectives)
        keys.add(objectiveKey(definition.name, o.target, o.window))
    }
    this.#keys = keys
    this.#options.alerts.retire(keys, this.#options.clock.now())
  }

  /** Judges one objective now, without alerting. */
  judge(
    definition: SloDefinition,
    objective: Objective,
    now = this.#options.clock.now(),
  ): ObjectiveState {
    const keys = seriesKeys(definition)
    const open = this.#openSums(definition)
    const cache = new Map<number, Sums>()
    const minutes = (length: number): Sums => {
      let sums = cache.get(length)
      if (!sums) {
        sums = addSums(open, ...keys.map((key) => this.ledger.minutes(key, length, now)))
        cache.set(length, sums)
      }
      return sums
    }
    const pairs = judgePairs(
      (ms) => minutes(ms / MIN),
      objective.target,
      definition.alerts.minBadMinutes,
    )
    const hours = windowMs(objective.window) / HOUR
    const budget = errorBudget(
      addSums(open, ...keys.map((key) => this.ledger.hours(key, hours, now))),
      objective.target,
    )
    const burnRates: Record<string, number> = {}
    for (const length of SHORT_WINDOWS)
      burnRates[WINDOW_NAMES[length]!] = burnRate(minutes(length), objective.target)
    return {
      key: objectiveKey(definition.name, objective.target, objective.window),
      objective,
      budget,
      burnRates,
      pairs,
    }
  }

  /** Judges every objective and acts on what changed. */
  evaluate(): void {
    const now = this.#options.clock.now()
    for (const definition of this.definitions()) this.#evaluateSlo(definition, now)
  }

  /** Judges the SLOs of one check now: its state just changed. */
  checkChanged(checkId: string): void {
    const now = this.#options.clock.now()
    for (const definition of this.definitions()) {
      if (definition.checks.includes(checkId)) this.#evaluateSlo(definition, now)
    }
  }

  #evaluateSlo(definition: SloDefinition, now: number): void {
    try {
      for (const objective of definition.objectives) {
        this.#act(definition, this.judge(definition, objective, now), now)
      }
    } catch (err) {
      this.#options.logger?.error({ err, slo: definition.name }, 'judging an SLO failed')
    }
  }

  #act(definition: SloDefinition, state: ObjectiveState, now: number): void {
    const { alerts, thresholds } = this.#options
    const { key, objective, budget } = state
    const facts = (pair?: PairState): SloEventFacts => ({
      name: definition.name,
      target: objective.target,
      window: objective.window,
      budgetRemaining: budget.remainingShare,
      budgetRemainingMinutes: budget.remainingMinutes,
      ...(pair
        ? {
            pair: pair.pair.name,
            burnRates: { long: pair.long.burnRate, short: pair.short.burnRate },
          }
        : {}),
      tags: this.#tags(definition),
      summary: this.#summary(definition, state, pair),
    })
    const keepFiringMs = parseDuration(definition.alerts.keepFiringFor)
    for (const severity of ['page', 'ticket'] as const) {
      const enabled = definition.alerts[severity]
      const firing = state.pairs.filter((p) => p.pair.severity === severity && p.firing)
      const open = alerts.get(key, severity)
      const id = alertId(key, severity)
      if (firing.length > 0) this.#lastBurning.set(id, now)
      // An alert restored after a restart counts from now: its pairs were not watched.
      else if (open && !this.#lastBurning.has(id)) this.#lastBurning.set(id, now)
      if (!open && enabled && firing.length > 0) alerts.fire(key, severity, now, facts(firing[0]))
      else if (open && firing.length > 0) alerts.hold(key, severity, firing[0]!.pair.name, now)
      else if (open && now - this.#lastBurning.get(id)! >= keepFiringMs) {
        alerts.resolve(key, severity, now, facts())
        this.#lastBurning.delete(id)
      }
    }
    const exhausted = budget.validMinutes > 0 && budget.remainingShare <= 0
    this.#toggle(key, 'budget', definition.alerts.budgetExhausted && exhausted, now, facts)
    this.#toggle(key, 'missing', this.#missing(definition, now), now, facts)
    const consumed = budget.consumedShare * 100
    for (const threshold of definition.alerts.thresholds) {
      if (threshold >= 100 && definition.alerts.budgetExhausted) continue
      const noted = thresholds.noted(key, threshold)
      if (!noted && budget.validMinutes > 0 && consumed >= threshold) {
        thresholds.note(key, threshold, now)
        alerts.fire(key, 'threshold', now, { ...facts(), threshold })
      } else if (noted && consumed < threshold - 5) thresholds.forget(key, threshold)
    }
  }

  #toggle(
    key: string,
    alert: SloAlertKind,
    on: boolean,
    now: number,
    facts: () => SloEventFacts,
  ): void {
    const open = this.#options.alerts.get(key, alert)
    if (on && !open) this.#options.alerts.fire(key, alert, now, facts())
    else if (!on && open) this.#options.alerts.resolve(key, alert, now, facts())
  }

  /** No valid minute for `alerts.sliMissing`, once the engine has watched that long. */
  #missing(definition: SloDefinition, now: number): boolean {
    const after = definition.alerts.sliMissing
    if (after === false) return false
    const ms = parseDuration(after)
    if (now - this.#started < ms) return false
    if (this.#openSums(definition).valid > 0) return false
    const from = Math.floor(now / MIN) * MIN - ms
    return seriesKeys(definition).every((key) =>
      this.ledger.slices(key, from, now).every((slice) => !slice.valid),
    )
  }

  #openSums(definition: SloDefinition): Sums {
    const sums = { valid: 0, bad: 0 }
    for (const checkId of definition.checks) {
      const slice = this.#options.openMinute?.(checkId)
      if (!slice?.valid) continue
      sums.valid += 1
      if (slice.bad) sums.bad += 1
    }
    return sums
  }

  #tags(definition: SloDefinition): string[] {
    const config = this.#options.config()
    if (this.#tagCache.config !== config) {
      this.#tagCache = { config, tags: new Map(config.checks.map((c) => [c.id, c.tags])) }
    }
    const tags = definition.checks.flatMap((id) => this.#tagCache.tags.get(id) ?? [])
    return [...new Set(tags)].sort()
  }

  #summary(definition: SloDefinition, state: ObjectiveState, pair?: PairState): string {
    const left = `${(state.budget.remainingShare * 100).toFixed(1)} % of the budget left`
    if (!pair) return left
    return `burning ${pair.long.burnRate.toFixed(1)}× over ${pair.pair.name} (${pair.long.bad} bad of ${pair.long.valid} minutes); ${left}`
  }

  /** The objective keys deployed (for views). */
  keys(): Set<string> {
    return this.#keys
  }
}
