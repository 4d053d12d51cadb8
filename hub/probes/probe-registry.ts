/**
 * The hub's view of its probes, from their retained status topics (online with
 * capabilities and stats, or offline from the Last Will). Persisted in lowdb so
 * the page still lists probes right after a hub restart.
 */
import { decodeMessage, probeStatusSchema } from '../../checks/wire.ts'
import type { Logger } from '../../lib/logger.ts'
import type { HubState } from '../store/hub-state.ts'
import type { ProbeInfo } from './probe-info.ts'

/** Coalesce registry writes: statuses arrive every 15 s per probe. */
const SAVE_DELAY_MS = 2_000

export class ProbeRegistry {
  private readonly probes: Map<string, ProbeInfo>
  private saveTimer: NodeJS.Timeout | undefined

  /**
   * @param regionOf the region a probe's token binds it to (credentials.json), if it has
   * one: a status claiming another region is ignored, as its results are (ingest.ts).
   */
  constructor(
    private readonly state: HubState,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly regionOf: (probeId: string) => string | undefined = () => undefined,
  ) {
    this.probes = new Map(Object.entries(state.probes()))
  }

  handle(probeId: string, payload: Buffer): void {
    if (payload.length === 0) {
      this.probes.delete(probeId)
      return this.scheduleSave()
    }
    const decoded = decodeMessage(probeStatusSchema, payload)
    if (!decoded.ok) {
      return this.logger.warn(
        { sender: probeId, reason: decoded.reason },
        'ignoring an invalid probe status',
      )
    }
    if (decoded.value.probeId !== probeId) {
      return this.logger.warn(
        { sender: probeId },
        'ignoring a probe status that names another probe',
      )
    }
    const bound = this.regionOf(probeId)
    if (bound !== undefined && decoded.value.region !== bound) {
      return this.logger.warn(
        { sender: probeId, claimed: decoded.value.region, region: bound },
        `ignoring a probe status: token ${probeId} is for region ${bound}, not ${decoded.value.region}`,
      )
    }
    const previous = this.probes.get(probeId)
    const status = decoded.value
    const now = this.now()
    // A Last Will carries no stats: the ones reported last still say what the probe held.
    const reportsDepth = typeof status.stats?.queueDepth === 'number'
    this.probes.set(probeId, {
      ...status,
      stats: status.stats ?? previous?.stats,
      queueDepthAsOf: reportsDepth ? now : previous?.queueDepthAsOf,
      lastSeen: now,
    })
    if (previous?.state !== status.state) {
      this.logger.info(
        { probeId, region: status.region, state: status.state },
        'probe state changed',
      )
    }
    this.scheduleSave()
  }

  get(probeId: string): ProbeInfo | undefined {
    return this.probes.get(probeId)
  }

  /** Forgets a probe (retired); returns whether it was listed. */
  remove(probeId: string): boolean {
    const removed = this.probes.delete(probeId)
    if (removed) this.scheduleSave()
    return removed
  }

  list(): ProbeInfo[] {
    return [...this.probes.values()].sort(
      (a, b) => a.region.localeCompare(b.region) || a.probeId.localeCompare(b.probeId),
    )
  }

  async flush(): Promise<void> {
    clearTimeout(this.saveTimer)
    this.saveTimer = undefined
    await this.state.saveProbes(Object.fromEntries(this.probes))
  }

  private scheduleSave(): void {
    if (this.saveTimer) return
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined
      this.state.saveProbes(Object.fromEntries(this.probes)).catch((error: unknown) => {
        this.logger.warn({ err: error }, 'saving the probe registry failed')
      })
    }, SAVE_DELAY_MS)
    this.saveTimer.unref()
  }
}
