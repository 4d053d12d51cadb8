/**
 * What an operator does to probes through the hub: retire one (`vantage probe remove`,
 * or revoking its token) and drain one for maintenance (`vantage probe drain`, undone
 * by `vantage probe resume`).
 *
 * - Retiring takes the probe out of the registry, so the pages stop listing it and its
 *   probe alert resolves (probe-alerts.ts resolves the incident of a probe no longer
 *   listed), and clears its retained status on the broker with an empty message. A
 *   Last Will or goodbye that lands afterwards (a revoked probe is disconnected at about
 *   the same moment) is cleared again rather than bringing it back as offline; an
 *   online status means it really is back (a new token) and is taken.
 * - Draining is kept by the hub (state.json) and sent to the probe as a command; the
 *   probe then runs nothing and says `offline`, reason `draining`, so its region's other
 *   probes take its checks and nobody is paged. Whenever a probe's status disagrees with
 *   what the hub wants (it restarted, or missed the command), the command goes again.
 */
import { monotonicFactory } from 'ulid'
import { decodeMessage, probeStatusSchema, type ProbeCommand } from '../../checks/wire.ts'
import type { Logger } from '../../lib/logger.ts'
import type { HubState } from '../store/hub-state.ts'
import type { ProbeInfo } from './probe-info.ts'
import type { ProbeRegistry } from './probe-registry.ts'

export interface ProbeAdminOptions {
  registry: ProbeRegistry
  state: HubState
  link: {
    sendCommand(probeId: string, command: ProbeCommand): void
    clearStatus(probeId: string): void
  }
  logger: Logger
}

export type RemoveOutcome = { removed: ProbeInfo } | { refused: 'unknown' | 'online' }
export type DrainOutcome = { probe: ProbeInfo } | { refused: 'unknown' }

/** Who a credentials file has tokens for; `vantage token revoke` takes one away. */
export interface TokenHolders {
  probeIds(): string[]
}

export class ProbeAdmin {
  readonly #options: ProbeAdminOptions
  readonly #drained: Set<string>
  /** Retired while this hub runs: late offline statuses are cleared, not taken. */
  readonly #retired = new Set<string>()
  readonly #requestId = monotonicFactory()
  #withTokens = new Set<string>()

  constructor(options: ProbeAdminOptions) {
    this.#options = options
    this.#drained = new Set(options.state.drainedProbes())
  }

  /** Every probe status from the broker comes here; the registry gets what stands. */
  handleStatus(probeId: string, payload: Buffer): void {
    if (this.#retired.has(probeId) && payload.length > 0) {
      const status = decodeMessage(probeStatusSchema, payload)
      if (!status.ok || status.value.state !== 'online') {
        this.#options.link.clearStatus(probeId)
        return
      }
      this.#retired.delete(probeId)
    }
    this.#options.registry.handle(probeId, payload)
    this.#converge(probeId)
  }

  /** The registry with the hub's own drain marks. */
  list(): ProbeInfo[] {
    return this.#options.registry
      .list()
      .map((probe) => (this.#drained.has(probe.probeId) ? { ...probe, drained: true } : probe))
  }

  /** Retires a probe that is not online: `vantage probe remove`. */
  remove(probeId: string): RemoveOutcome {
    const probe = this.#options.registry.get(probeId)
    if (!probe) return { refused: 'unknown' }
    if (probe.state === 'online') return { refused: 'online' }
    this.retire(probeId, 'removed')
    return { removed: probe }
  }

  retire(probeId: string, why: string): void {
    this.#options.logger.info({ probeId, why }, 'retiring a probe')
    this.#retired.add(probeId)
    this.#options.registry.remove(probeId)
    this.#options.link.clearStatus(probeId)
    if (this.#drained.delete(probeId)) this.#saveDrained()
  }

  /** Drains (`drain: true`) or resumes a probe the registry lists. */
  drain(probeId: string, drain: boolean): DrainOutcome {
    const probe = this.#options.registry.get(probeId)
    if (!probe) return { refused: 'unknown' }
    const changed = drain ? !this.#drained.has(probeId) : this.#drained.has(probeId)
    if (drain) this.#drained.add(probeId)
    else this.#drained.delete(probeId)
    if (changed) this.#saveDrained()
    this.#options.logger.info({ probeId, drain }, drain ? 'draining a probe' : 'resuming a probe')
    this.#send(probeId, drain)
    return { probe: drain ? { ...probe, drained: true } : probe }
  }

  /**
   * Retires the probes whose token was revoked (not replaced: a rotated token keeps its
   * probe). Call with the credentials at start, then on every change of the file.
   */
  tokensChanged(holders: TokenHolders): void {
    const now = new Set(holders.probeIds())
    for (const probeId of this.#withTokens) {
      if (!now.has(probeId)) this.retire(probeId, 'token revoked')
    }
    this.#withTokens = now
  }

  /** Sends the drain state the hub wants when the probe's own says otherwise. */
  #converge(probeId: string): void {
    const probe = this.#options.registry.get(probeId)
    if (!probe) return
    const wanted = this.#drained.has(probeId)
    const draining = probe.state === 'offline' && probe.reason === 'draining'
    if (wanted && probe.state === 'online') this.#send(probeId, true)
    else if (!wanted && draining) this.#send(probeId, false)
  }

  #send(probeId: string, drain: boolean): void {
    this.#options.link.sendCommand(probeId, { requestId: this.#requestId(), type: 'drain', drain })
  }

  #saveDrained(): void {
    this.#options.state.saveDrainedProbes([...this.#drained]).catch((error: unknown) => {
      this.#options.logger.warn({ err: error }, 'saving the drained probes failed')
    })
  }
}
