/**
 * Heartbeats on the running hub: gives every heartbeat check its ping token, feeds
 * pings and the passing of time to the HeartbeatMonitor, hands the results to the
 * same path as probe results, and keeps tokens and memory in the hub's state so that
 * URLs and deadlines survive restarts and redeploys.
 */
import type { CheckResult } from '../../checks/result.ts'
import type { CheckSpec, HeartbeatSpec } from '../../checks/spec.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import type { HeartbeatRecord, HubState } from '../store/hub-state.ts'
import { HeartbeatMonitor, type HeartbeatStatus, type Ping } from './heartbeat-monitor.ts'
import { newPingToken } from './ping-token.ts'

/** How often deadlines are checked. A second, since deadlines are compared per second. */
const DEFAULT_TICK_MS = 1_000

export interface HeartbeatsOptions {
  state: HubState
  clock: Clock
  /** Stamped on results as configVersion. */
  configVersion: string
  /** New results, in order: store them and feed them to the alert engine. Must not throw. */
  onResults: (results: CheckResult[]) => void
  logger: Logger
  /** Default 1 s. */
  tickMs?: number
}

/** What a ping did: applied, ignored (the check is disabled), or no heartbeat has the token. */
export type PingOutcome = 'ok' | 'disabled' | 'unknown'

/** A heartbeat with its secret token, for the API's non-public routes. */
export interface HeartbeatInfo {
  checkId: string
  name: string
  token: string
  enabled: boolean
  every: string
  grace: string
  /** Null while the check is disabled. */
  status: HeartbeatStatus | null
}

/** What the HTTP app needs from heartbeats. */
export interface HeartbeatDirectory {
  ping(token: string, ping: Ping): PingOutcome
  list(): HeartbeatInfo[]
  info(checkId: string): HeartbeatInfo | undefined
}

function isHeartbeat(spec: CheckSpec): spec is HeartbeatSpec {
  return spec.kind === 'heartbeat'
}

/**
 * @example
 * const heartbeats = await Heartbeats.open(config.checks, { state, clock, configVersion, onResults, logger })
 * heartbeats.start()
 * heartbeats.ping(token, { kind: 'success' }) // 'ok'
 */
export class Heartbeats implements HeartbeatDirectory {
  readonly #options: HeartbeatsOptions
  #specs: Map<string, HeartbeatSpec>
  readonly #byToken = new Map<string, string>()
  readonly #monitor: HeartbeatMonitor
  #timer: NodeJS.Timeout | undefined
  /** The last state write, so that closing waits for it. */
  #saving: Promise<void> = Promise.resolve()

  private constructor(specs: HeartbeatSpec[], options: HeartbeatsOptions) {
    this.#options = options
    this.#specs = new Map(specs.map((spec) => [spec.id, spec]))
    this.#monitor = new HeartbeatMonitor({
      clock: options.clock,
      configVersion: options.configVersion,
    })
  }

  /**
   * Gives each heartbeat among `checks` a token (keeping any it already has), resumes
   * the monitor from saved memory, and saves the result before any ping is taken.
   */
  static async open(checks: CheckSpec[], options: HeartbeatsOptions): Promise<Heartbeats> {
    const specs = checks.filter(isHeartbeat)
    const heartbeats = new Heartbeats(specs, options)
    await heartbeats.#restore()
    return heartbeats
  }

  /**
   * Follows a new deploy: new heartbeats get a token (or the one they had before) and
   * count their first period from now, kept ones keep their state, removed or disabled
   * ones stop (their token is kept), and results carry the new version.
   */
  async setChecks(checks: CheckSpec[], configVersion: string): Promise<void> {
    this.#specs = new Map(checks.filter(isHeartbeat).map((spec) => [spec.id, spec]))
    this.#monitor.setConfigVersion(configVersion)
    // After any save in flight, so that an older write cannot land after this one.
    await this.#saving
    await this.#restore()
  }

  /** Starts checking deadlines in the background. */
  start(): void {
    this.#timer ??= setInterval(() => {
      try {
        this.tick()
      } catch (error) {
        // A throw here would end the hub; the next tick tries again.
        this.#options.logger.error({ err: error }, 'checking heartbeat deadlines failed')
      }
    }, this.#options.tickMs ?? DEFAULT_TICK_MS)
    this.#timer.unref()
  }

  /** Stops the timer and waits for the last state write. */
  async close(): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.#saving
  }

  /** Produces the downs that fell due; the timer calls it, tests call it in virtual time. */
  tick(): void {
    this.#deliver(this.#monitor.tick())
  }

  ping(token: string, ping: Ping): PingOutcome {
    const checkId = this.#byToken.get(token)
    if (checkId === undefined) return 'unknown'
    const results = this.#monitor.ping(checkId, ping)
    if (results === null) return 'disabled'
    this.#deliver(results)
    this.#save([checkId])
    return 'ok'
  }

  list(): HeartbeatInfo[] {
    return [...this.#specs.keys()].map((checkId) => this.info(checkId)!)
  }

  info(checkId: string): HeartbeatInfo | undefined {
    const spec = this.#specs.get(checkId)
    const record = this.#options.state.heartbeats()[checkId]
    if (!spec || !record) return undefined
    return {
      checkId,
      name: spec.name ?? spec.id,
      token: record.token,
      enabled: spec.enabled,
      every: spec.every,
      grace: spec.grace,
      status: this.#monitor.status(checkId) ?? null,
    }
  }

  /** Watches #specs, from saved memory where the monitor does not watch a check yet. */
  async #restore(): Promise<void> {
    const { state, clock } = this.#options
    const saved = state.heartbeats()
    for (const [checkId, record] of Object.entries(saved)) this.#byToken.set(record.token, checkId)
    const memories = Object.fromEntries(
      Object.entries(saved).flatMap(([id, record]) => (record.memory ? [[id, record.memory]] : [])),
    )
    this.#monitor.setChecks([...this.#specs.values()], memories)

    const updates: Record<string, HeartbeatRecord> = {}
    for (const [checkId, record] of Object.entries(saved)) {
      // Not watched now (disabled or removed): forget its memory but keep its token.
      if (record.memory && !this.#monitor.memory(checkId)) updates[checkId] = strip(record)
    }
    for (const spec of this.#specs.values()) {
      const record = saved[spec.id] ?? { token: newPingToken(), createdAt: clock.now() }
      this.#byToken.set(record.token, spec.id)
      const memory = this.#monitor.memory(spec.id)
      updates[spec.id] = memory ? { ...record, memory } : strip(record)
    }
    await state.saveHeartbeats(updates)
  }

  #deliver(results: CheckResult[]): void {
    if (results.length === 0) return
    this.#options.onResults(results)
    this.#save([...new Set(results.map((result) => result.checkId))])
  }

  /** Saves the memory of these checks; a failed write is logged and retried by the next one. */
  #save(checkIds: string[]): void {
    const { state, logger } = this.#options
    const updates: Record<string, HeartbeatRecord> = {}
    for (const checkId of checkIds) {
      const record = state.heartbeats()[checkId]
      const memory = this.#monitor.memory(checkId)
      if (record && memory) updates[checkId] = { ...record, memory }
    }
    this.#saving = state.saveHeartbeats(updates).catch((error: unknown) => {
      logger.error({ err: error, checkIds }, 'saving heartbeat state failed')
    })
  }
}

function strip({ token, createdAt }: HeartbeatRecord): HeartbeatRecord {
  return { token, createdAt }
}
