/**
 * A probe's own Prometheus series, for its optional health port: the outbox (results and
 * bytes waiting for the hub's ack, results dropped past its bounds), how late scheduled
 * runs start, runs in flight and by trigger, self-health, rejected bundles and the
 * browser pool. Every series carries `probe` and `region`, so one dashboard can show
 * all probes however Prometheus labels its targets.
 *
 * health-server.ts serves them as `GET /metrics` (`probeMetricsRoutes`) on the health port.
 */
import { Histogram } from '../lib/prometheus-histogram.ts'
import { ExpositionWriter, labels } from '../lib/prometheus-text.ts'

/** From on time (the cron fired in the right second) to an overloaded event loop. */
const LATENESS_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** What the agent reports at each scrape. */
export interface ProbeMetricsSnapshot {
  probeId: string
  region: string
  outboxResults: number
  outboxBytes: number
  /** Results dropped over the outbox's lifetime (its byte and age bounds). */
  dropped: number
  runsInFlight: number
  /** Runs started since this process started, by trigger. */
  runs: Record<string, number>
  healthy: boolean
  connected: boolean
  bundlesRejected: number
  /** The browser pool, when the probe runs browser checks. */
  browser?: { workers: number; attempts: number; crashes: number; launches: number }
}

/**
 * The browser pool's figures, when the probe's browser engine keeps them (the pool's
 * `stats()`); undefined on a probe without browser checks.
 */
export function browserStats(engine: unknown): ProbeMetricsSnapshot['browser'] {
  const stats = (engine as { stats?: () => Record<string, unknown> } | undefined)?.stats?.()
  if (!stats) return undefined
  const count = (value: unknown) => (typeof value === 'number' ? value : 0)
  return {
    workers: count(stats.workers),
    attempts: count(stats.attempts),
    crashes: count(stats.crashes),
    launches: count(stats.launches),
  }
}

export class ProbeMetrics {
  readonly #lateness = new Histogram(LATENESS_BUCKETS)

  /** A scheduled run started `ms` after the second it was due. */
  lateness(ms: number): void {
    this.#lateness.observe(Math.max(0, ms) / 1_000)
  }

  render(snapshot: ProbeMetricsSnapshot): string {
    const out = new ExpositionWriter()
    const id = labels({ probe: snapshot.probeId, region: snapshot.region })
    const one = (name: string, type: 'gauge' | 'counter', help: string, value: number) => {
      out.family(name, type, help)
      out.sample(name, id, value)
    }
    one(
      'vantage_probe_outbox_results',
      'gauge',
      'Results in the outbox waiting for the hub to ack them',
      snapshot.outboxResults,
    )
    one('vantage_probe_outbox_bytes', 'gauge', 'Payload bytes in the outbox', snapshot.outboxBytes)
    one(
      'vantage_probe_results_dropped_total',
      'counter',
      'Results dropped from the outbox past its byte or age bound',
      snapshot.dropped,
    )
    out.family(
      'vantage_probe_schedule_lateness_seconds',
      'histogram',
      'How long after its scheduled second a scheduled run started',
    )
    this.#lateness.write(out, 'vantage_probe_schedule_lateness_seconds', id)
    one('vantage_probe_runs_in_flight', 'gauge', 'Checks running now', snapshot.runsInFlight)
    out.family('vantage_probe_runs_total', 'counter', 'Runs started, by trigger')
    for (const [trigger, count] of Object.entries(snapshot.runs)) {
      out.sample('vantage_probe_runs_total', `${id},trigger="${trigger}"`, count)
    }
    one(
      'vantage_probe_healthy',
      'gauge',
      '0 while self-health fails (down results are sent as inconclusive)',
      snapshot.healthy ? 1 : 0,
    )
    one(
      'vantage_probe_connected',
      'gauge',
      '1 while connected to the broker',
      snapshot.connected ? 1 : 0,
    )
    one(
      'vantage_probe_bundles_rejected_total',
      'counter',
      'Config bundles refused (bad signature, older than the running one, invalid)',
      snapshot.bundlesRejected,
    )
    const browser = snapshot.browser
    out.family('vantage_probe_browser_pool_workers', 'gauge', 'Browser workers alive')
    if (browser) out.sample('vantage_probe_browser_pool_workers', id, browser.workers)
    out.family('vantage_probe_browser_attempts_total', 'counter', 'Browser check attempts')
    if (browser) out.sample('vantage_probe_browser_attempts_total', id, browser.attempts)
    out.family('vantage_probe_browser_crashes_total', 'counter', 'Browser or worker crashes')
    if (browser) out.sample('vantage_probe_browser_crashes_total', id, browser.crashes)
    out.family('vantage_probe_browser_launches_total', 'counter', 'Browser launches')
    if (browser) out.sample('vantage_probe_browser_launches_total', id, browser.launches)
    return out.text()
  }
}
