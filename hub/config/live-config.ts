/**
 * The config the hub runs, replaceable while it runs. `apply` deploys a validated
 * config (a new signed bundle only when something changed), keeps it in the deploy
 * history, and tells every part that reads the config (the MQTT publisher, the alert
 * engine, heartbeats, the incident timeline) through `onDeploy` listeners; parts that
 * only read (the API, the notifier) call `config()` each time. Deploys run one at a
 * time, in the order they arrive, so two uploads never interleave their sequence numbers.
 */
import { validateMonitoring, type MonitoringConfig } from '../../checks/validate.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import type { DeployHistory } from './deploy-history.ts'
import { planDeploy, type DeployPlan } from './deploy-plan.ts'
import { configHash, deployConfig, type Deployed } from './deploy.ts'
import type { HubKey } from './keys.ts'
import type { DeployRecord, HubState } from '../store/hub-state.ts'

export interface LiveConfigOptions {
  state: HubState
  history: DeployHistory
  key: HubKey
  clock: Clock
  logger: Logger
}

/** A deploy that changed the config, as listeners hear it. */
export interface DeployEvent {
  config: MonitoringConfig
  deployed: Deployed
  plan: DeployPlan
  source: string
  at: number
}

/** What a deploy (or a dry run of one) did or would do. */
export interface DeployOutcome {
  /** The version running afterwards; for a dry run, the one running now. */
  version: string
  seq: number
  /** False when the config equals the running one: nothing was (or would be) deployed. */
  changed: boolean
  plan: DeployPlan
}

export type DeployErrorReason = 'invalid' | 'unknown-version' | 'conflict' | 'no-config'

/** A deploy refused for a reason the caller can act on. */
export class DeployError extends Error {
  constructor(
    readonly reason: DeployErrorReason,
    message: string,
    /** For `invalid`: every validation error with its path. */
    readonly errors: string[] = [],
  ) {
    super(message)
    this.name = 'DeployError'
  }
}

export type DeployListener = (event: DeployEvent) => void | Promise<void>

/**
 * @example
 * const live = new LiveConfig({ state, history, key, clock, logger })
 * await live.apply(config, 'monitors.ts')   // or: await live.resume()
 * live.onDeploy(({ deployed }) => publish(deployed.envelope))
 * await live.rollback('3-ab12cd34', 'vantage deploy --rollback')
 */
export class LiveConfig {
  readonly #options: LiveConfigOptions
  #current: { config: MonitoringConfig; deployed: Deployed } | undefined
  readonly #listeners: DeployListener[] = []
  #queue: Promise<unknown> = Promise.resolve()
  #warnings: ((config: MonitoringConfig) => string[]) | undefined

  constructor(options: LiveConfigOptions) {
    this.#options = options
  }

  /** The running config. Throws before the first deploy: the hub starts with one. */
  config(): MonitoringConfig {
    return this.#running().config
  }

  /** The running bundle and its signed envelope. */
  deployed(): Deployed {
    return this.#running().deployed
  }

  /** Listens to deploys that change the config from now on; listeners run one after another. */
  onDeploy(listener: DeployListener): void {
    this.#listeners.push(listener)
  }

  /**
   * Adds warnings to every later plan (deploy-warnings.ts). Set once the hub knows its
   * probes: before that, every region would look unserved.
   */
  warnWith(warnings: (config: MonitoringConfig) => string[]): void {
    this.#warnings = warnings
  }

  /** The plan from the running config to `config`, with the warnings when they are known. */
  #plan(before: MonitoringConfig | undefined, config: MonitoringConfig): DeployPlan {
    const plan = planDeploy(before, config)
    if (!this.#warnings) return plan
    try {
      return { ...plan, warnings: this.#warnings(config) }
    } catch (error) {
      // A warning is advice: failing to work one out must not refuse the deploy.
      this.#options.logger.error({ err: error }, 'could not work out the deploy warnings')
      return plan
    }
  }

  /** Every recorded deploy, oldest first. */
  history(): DeployRecord[] {
    return this.#options.state.deploys()
  }

  /** What deploying `config` would change; changes nothing. */
  dryRun(config: MonitoringConfig): DeployOutcome {
    const { bundle } = this.deployed()
    return {
      version: bundle.version,
      seq: bundle.seq,
      changed: configHash(config) !== this.#options.state.lastDeploy()?.configHash,
      plan: this.#plan(this.config(), config),
    }
  }

  /**
   * Deploys a validated config. With `expectVersion`, refuses (`conflict`) when another
   * deploy got in since the caller looked, so that what it applies is the plan it showed.
   */
  apply(
    config: MonitoringConfig,
    source: string,
    options: { expectVersion?: string } = {},
  ): Promise<DeployOutcome> {
    return this.#serial(async () => {
      const running = this.#current?.deployed.bundle.version
      if (options.expectVersion !== undefined && options.expectVersion !== running) {
        throw new DeployError(
          'conflict',
          `the hub now runs version ${running}, not ${options.expectVersion}: another deploy ` +
            'came first; look at the new plan and deploy again',
        )
      }
      return this.#deploy(config, source)
    })
  }

  /** Resumes the last deployed config from the data directory (a hub started without --checks). */
  resume(): Promise<DeployOutcome> {
    return this.#serial(async () => {
      const last = this.#options.state.lastDeploy()
      const stored = last && this.#options.history.loadConfig(last.seq)
      if (!last || stored === undefined) {
        throw new DeployError(
          'no-config',
          'no deployed config to resume in this data directory; start the hub once with ' +
            '--checks monitors.ts (after that, `vantage deploy` replaces it)',
        )
      }
      return this.#deploy(this.#validated(stored, `the last deploy (${last.version})`), last.source)
    })
  }

  /**
   * Deploys the config of an earlier version again, as a new sequence number: probes
   * refuse a bundle older than the one they run, by design.
   */
  rollback(version: string, source = `rollback to ${version}`): Promise<DeployOutcome> {
    return this.#serial(async () => {
      const record = this.history().find((deploy) => deploy.version === version)
      if (!record) {
        throw new DeployError(
          'unknown-version',
          `no deploy has version ${version}; \`vantage deploy --list\` shows the versions`,
        )
      }
      const stored = this.#options.history.loadConfig(record.seq)
      if (stored === undefined) {
        throw new DeployError(
          'unknown-version',
          `the config of version ${version} was not kept (it predates kept configs), so it cannot be restored`,
        )
      }
      return this.#deploy(this.#validated(stored, `version ${version}`), source)
    })
  }

  async #deploy(config: MonitoringConfig, source: string): Promise<DeployOutcome> {
    const { state, history, key, clock, logger } = this.#options
    const before = this.#current?.config ?? this.#lastStored()
    const plan = this.#plan(before, config)
    const at = clock.now()
    const deployed = await deployConfig(config, { state, history, key, now: at, source })
    this.#current = { config, deployed }
    const { version, seq } = deployed.bundle
    if (deployed.changed) {
      const { checks } = plan
      logger.info(
        {
          version,
          source,
          added: checks.added.length,
          removed: checks.removed.length,
          changed: checks.changed.length,
        },
        'deployed config',
      )
      if (plan.warnings?.length) {
        logger.warn({ version, warnings: plan.warnings }, 'deployed config with warnings')
      }
      for (const listener of this.#listeners) {
        try {
          await listener({ config, deployed, plan, source, at })
        } catch (error) {
          // The deploy is recorded and running; one part failing to follow must not hide it.
          logger.error({ err: error, version }, 'a part of the hub failed to apply the deploy')
        }
      }
    }
    return { version, seq, changed: deployed.changed, plan }
  }

  /** The config of the last recorded deploy, when it is kept and still valid: the plan's base at start. */
  #lastStored(): MonitoringConfig | undefined {
    const last = this.#options.state.lastDeploy()
    const stored = last && this.#options.history.loadConfig(last.seq)
    if (stored === undefined) return undefined
    const outcome = validateMonitoring(stored)
    return outcome.ok ? outcome.config : undefined
  }

  /** Stored configs are validated again: the hub may have been upgraded since they were kept. */
  #validated(stored: unknown, what: string): MonitoringConfig {
    const outcome = validateMonitoring(stored)
    if (outcome.ok) return outcome.config
    throw new DeployError(
      'invalid',
      `the config of ${what} no longer validates (${outcome.errors.length} error(s))`,
      outcome.errors,
    )
  }

  #running(): { config: MonitoringConfig; deployed: Deployed } {
    if (!this.#current) throw new Error('no config deployed yet')
    return this.#current
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(task)
    // A failed deploy must not block the ones after it.
    this.#queue = next.catch(() => undefined)
    return next
  }
}
