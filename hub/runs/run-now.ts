/**
 * Run a check now, everywhere it runs, and wait for the answers: what "check latte" in
 * chat and `vantage run latte` do. The hub sends a run command (trigger `manual`) to
 * every online probe of each of the check's regions at once (each probe's job rules
 * decide whether it owns the check, as for confirmation runs), or to every online probe
 * a host check selects, and collects the first manual result of each region (or host)
 * as ingest stores it. Whatever has not answered within the check's timeout + 2 s is
 * reported as such; a region with no online probe is reported at once.
 */
import { parseDuration } from '../../checks/duration.ts'
import type { CheckResult, CheckStatus } from '../../checks/result.ts'
import { isHostKind, regionsOf, selects, seriesOf, type CheckSpec } from '../../checks/spec.ts'
import type { RunCommand } from '../../checks/wire.ts'
import type { Clock } from '../../lib/clock.ts'
import { ulid } from '../../lib/ulid.ts'
import type { ProbeInfo } from '../probes/probe-info.ts'

/** Past the check's own timeout: the result still has to be batched, sent and stored. */
export const RUN_GRACE_MS = 2_000

/** One region's (or host's) answer. */
export interface RunRow {
  /** The region, or the probe id for host checks. */
  series: string
  region: string
  /** The probe that ran it; null when none answered. */
  probeId: string | null
  /** The run's status, `no-answer` past the wait, `no-probe` when no probe was online there. */
  status: CheckStatus | 'no-answer' | 'no-probe'
  durationMs: number | null
  error: { code: string; message: string } | null
}

export interface RunReport {
  check: string
  name: string
  kind: string
  startedAt: number
  finishedAt: number
  /** How long the hub waited at most: the check's timeout + 2 s. */
  waitMs: number
  rows: RunRow[]
}

export type RunRefusal = 'unknown' | 'disabled' | 'heartbeat'

/** A check that cannot be run now; `reason` says why, for a 404 or a 409. */
export class RunError extends Error {
  constructor(
    readonly reason: RunRefusal,
    message: string,
  ) {
    super(message)
    this.name = 'RunError'
  }
}

export interface RunNowOptions {
  clock: Clock
  /** The deployed check with this id, enabled or not. */
  check: (checkId: string) => CheckSpec | undefined
  probes: () => ProbeInfo[]
  /** Publishes a run command to one probe; must not throw. */
  send: (probeId: string, command: RunCommand) => void
  /** How the wait ends: injected so tests need not wait out a real timeout. */
  timer?: (ms: number, done: () => void) => () => void
}

interface Waiter {
  checkId: string
  /** Results stored before this do not answer it. */
  since: number
  expected: Set<string>
  answers: Map<string, CheckResult>
  done: () => void
}

const realTimer = (ms: number, done: () => void) => {
  const timer = setTimeout(done, ms)
  return () => clearTimeout(timer)
}

/**
 * @example
 * const runNow = new RunNow({ clock, check, probes: () => admin.list(), send })
 * new Ingest({ ..., onAccepted: (stored) => runNow.observe(stored) })
 * const report = await runNow.run('latte')
 */
export class RunNow {
  readonly #options: RunNowOptions
  readonly #waiters = new Set<Waiter>()

  constructor(options: RunNowOptions) {
    this.#options = options
  }

  /** Newly stored results: manual runs answer whoever is waiting for them. */
  observe(results: readonly CheckResult[]): void {
    if (this.#waiters.size === 0) return
    const now = this.#options.clock.now()
    for (const result of results) {
      if (result.trigger !== 'manual') continue
      for (const waiter of this.#waiters) {
        if (waiter.checkId !== result.checkId || now < waiter.since) continue
        const key = seriesOf(result)
        if (!waiter.expected.has(key) || waiter.answers.has(key)) continue
        waiter.answers.set(key, result)
        if (waiter.answers.size === waiter.expected.size) waiter.done()
      }
    }
  }

  /** Runs the check in every region (or on every host) now and waits for the answers. */
  async run(checkId: string): Promise<RunReport> {
    const spec = this.#options.check(checkId)
    if (!spec) throw new RunError('unknown', `no check "${checkId}"`)
    if (!spec.enabled) {
      throw new RunError('disabled', `${checkId} is disabled; enable it and deploy to run it`)
    }
    if (spec.kind === 'heartbeat') {
      throw new RunError(
        'heartbeat',
        `${checkId} is a heartbeat: the job it watches pings the hub, nothing runs it`,
      )
    }
    const startedAt = this.#options.clock.now()
    const waitMs = parseDuration(spec.timeout) + RUN_GRACE_MS
    const online = this.#options.probes().filter((probe) => probe.state === 'online')
    const host = isHostKind(spec.kind)
    const targets = host
      ? online.filter((probe) => 'on' in spec && selects(spec.on, probe))
      : online.filter((probe) => regionsOf(spec)?.includes(probe.region))
    const expected = new Set(host ? targets.map((p) => p.probeId) : targets.map((p) => p.region))
    const regionOfSeries = new Map(
      targets.map((p) => [host ? p.probeId : p.region, p.region] as const),
    )

    const answers = new Map<string, CheckResult>()
    if (expected.size > 0) {
      await new Promise<void>((resolve) => {
        let cancel = () => {}
        const waiter: Waiter = {
          checkId,
          since: startedAt,
          expected,
          answers,
          done: () => {
            cancel()
            this.#waiters.delete(waiter)
            resolve()
          },
        }
        this.#waiters.add(waiter)
        cancel = (this.#options.timer ?? realTimer)(waitMs, waiter.done)
        for (const probe of targets) {
          const command: RunCommand = { requestId: ulid(), type: 'run', checkId, trigger: 'manual' }
          this.#options.send(probe.probeId, command)
        }
      })
    }

    const rows: RunRow[] = []
    for (const series of expected) {
      const result = answers.get(series)
      rows.push(
        result
          ? {
              series,
              region: result.region,
              probeId: result.probeId,
              status: result.status,
              durationMs: result.durationMs,
              error: result.error ?? null,
            }
          : {
              series,
              region: regionOfSeries.get(series) ?? series,
              probeId: null,
              status: 'no-answer',
              durationMs: null,
              error: null,
            },
      )
    }
    if (!host) {
      for (const region of regionsOf(spec) ?? []) {
        if (expected.has(region)) continue
        rows.push({
          series: region,
          region,
          probeId: null,
          status: 'no-probe',
          durationMs: null,
          error: null,
        })
      }
    }
    rows.sort((a, b) => a.series.localeCompare(b.series))
    return {
      check: spec.id,
      name: spec.name ?? spec.id,
      kind: spec.kind,
      startedAt,
      finishedAt: this.#options.clock.now(),
      waitMs,
      rows,
    }
  }
}
