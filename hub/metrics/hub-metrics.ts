/**
 * The hub's own health as Prometheus series: ingest, rejections and dead letters, how
 * late results arrive, notifications per channel, the probes it knows (with what they
 * report about themselves on their status topic), broker clients, chat commands and the
 * process itself. Counters live here; gauges are read from the parts at each scrape.
 */
import type { CheckResult } from '../../checks/result.ts'
import type { ChannelHealth } from '../alerts/notify/channel-health.ts'
import type { IngestCounters } from '../ingest/ingest.ts'
import type { ProbeInfo } from '../probes/probe-info.ts'
import { labels, type ExpositionWriter } from '../../lib/prometheus-text.ts'
import { Histogram } from '../../lib/prometheus-histogram.ts'

/** Ingest lag spans a fresh result (a few hundred ms of batching) to an outbox replayed after hours. */
const LAG_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3_600]

/** What the hub's parts report at scrape time. */
export interface HubHealthSources {
  ingest: () => IngestCounters
  channels: () => ChannelHealth[]
  probes: () => ProbeInfo[]
  /** Clients connected to the embedded broker; undefined with an external broker. */
  brokerClients?: () => number | undefined
  /** The running config version. */
  configVersion: () => string
  now: () => number
}

const OUTCOMES = ['delivered', 'failed', 'retrying', 'abandoned'] as const

export class HubMetrics {
  readonly #lag = new Histogram(LAG_BUCKETS)
  /** Notification attempts per channel and outcome. */
  readonly #notifications = new Map<string, Map<string, number>>()
  /** Chat commands per platform, command and outcome. */
  readonly #chat = new Map<string, number>()

  constructor(private readonly sources: HubHealthSources) {}

  /** Newly stored results: how long after their run ended they were stored. */
  observe(results: readonly CheckResult[]): void {
    const now = this.sources.now()
    for (const result of results) {
      if (result.trigger === 'schedule' || result.trigger === 'confirm') {
        this.#lag.observe(Math.max(0, now - result.startedAt - result.durationMs) / 1_000)
      }
    }
  }

  /** One notification attempt to a channel and how it ended. */
  notification(channel: string, outcome: string): void {
    let byOutcome = this.#notifications.get(channel)
    if (!byOutcome) {
      byOutcome = new Map(OUTCOMES.map((o) => [o, 0]))
      this.#notifications.set(channel, byOutcome)
    }
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1)
  }

  /** One chat command, by platform (`slack`, `mattermost`), command and outcome. */
  chatCommand(platform: string, command: string, outcome: string): void {
    const key = labels({ platform, command, outcome })
    this.#chat.set(key, (this.#chat.get(key) ?? 0) + 1)
  }

  render(out: ExpositionWriter): void {
    const ingest = this.sources.ingest()
    const counter = (name: string, help: string, value: number) => {
      out.family(name, 'counter', help)
      out.sample(name, '', value)
    }
    counter(
      'vantage_hub_results_ingested_total',
      'Results stored (new ones; duplicates are counted apart)',
      ingest.results,
    )
    counter(
      'vantage_hub_result_duplicates_total',
      'Results received again and not stored twice',
      ingest.duplicates,
    )
    counter('vantage_hub_batches_ingested_total', 'Result batches stored and acked', ingest.batches)
    counter(
      'vantage_hub_batches_rejected_total',
      'Messages on the results topic refused as a whole (not JSON, wrong sender, malformed batch)',
      ingest.rejectedMessages,
    )
    counter(
      'vantage_hub_results_rejected_total',
      'Single results refused inside an accepted batch',
      ingest.rejectedResults,
    )
    counter(
      'vantage_hub_dead_letters_total',
      'Messages and results kept in the dead-letter table',
      ingest.rejectedMessages + ingest.rejectedResults,
    )
    counter(
      'vantage_hub_results_in_maintenance_total',
      'Results stored inside a maintenance window, left out of alerting',
      ingest.inMaintenance,
    )

    out.family(
      'vantage_hub_ingest_lag_seconds',
      'histogram',
      'From the end of a scheduled or confirmation run to its storage on the hub',
    )
    this.#lag.write(out, 'vantage_hub_ingest_lag_seconds', '')

    out.family(
      'vantage_hub_notifications_total',
      'counter',
      'Notification attempts per channel, by outcome (delivered, failed, retrying, abandoned)',
    )
    for (const [channel, byOutcome] of this.#notifications) {
      for (const [outcome, count] of byOutcome) {
        out.sample('vantage_hub_notifications_total', labels({ channel, outcome }), count)
      }
    }
    const channels = this.sources.channels()
    out.family(
      'vantage_hub_notifications_queued',
      'gauge',
      'Notifications queued for a channel, not yet delivered or failed',
    )
    for (const channel of channels) {
      out.sample(
        'vantage_hub_notifications_queued',
        labels({ channel: channel.name }),
        channel.pending,
      )
    }
    out.family(
      'vantage_hub_channel_up',
      'gauge',
      '0 while a channel is failing (alerting.channelFailingAfter attempts in a row), else 1',
    )
    for (const channel of channels) {
      out.sample(
        'vantage_hub_channel_up',
        labels({ channel: channel.name, type: channel.type }),
        channel.state === 'failing' ? 0 : 1,
      )
    }

    this.#renderProbes(out)

    const clients = this.sources.brokerClients?.()
    out.family('vantage_hub_broker_clients', 'gauge', 'Clients connected to the embedded broker')
    if (clients !== undefined) out.sample('vantage_hub_broker_clients', '', clients)

    out.family('vantage_hub_config_info', 'gauge', 'Always 1, with the running config version')
    out.sample('vantage_hub_config_info', labels({ version: this.sources.configVersion() }), 1)

    out.family(
      'vantage_hub_chat_commands_total',
      'counter',
      'Chat commands answered, by platform, command and outcome',
    )
    for (const [key, count] of this.#chat) out.sample('vantage_hub_chat_commands_total', key, count)

    this.#renderProcess(out)
  }

  #renderProbes(out: ExpositionWriter): void {
    const probes = this.sources.probes()
    const counts = new Map<string, number>()
    for (const probe of probes) {
      const state = probe.drained ? 'drained' : probe.state
      const key = labels({ region: probe.region, state })
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    out.family('vantage_hub_probes', 'gauge', 'Probes the hub knows, per region and state')
    for (const [key, count] of counts) out.sample('vantage_hub_probes', key, count)

    const perProbe = (
      name: string,
      help: string,
      value: (probe: ProbeInfo) => number | undefined,
    ) => {
      out.family(name, 'gauge', help)
      for (const probe of probes) {
        const v = value(probe)
        if (v !== undefined && Number.isFinite(v))
          out.sample(name, labels({ probe: probe.probeId, region: probe.region }), v)
      }
    }
    perProbe('vantage_hub_probe_up', '1 while the probe is online', (p) =>
      p.state === 'online' ? 1 : 0,
    )
    perProbe(
      'vantage_hub_probe_healthy',
      '0 while the probe reports itself unhealthy (its down results turn inconclusive)',
      (p) => (p.health === undefined ? undefined : p.health.ok ? 1 : 0),
    )
    const stat = (p: ProbeInfo, name: string) => {
      const v = p.stats?.[name]
      return typeof v === 'number' ? v : undefined
    }
    perProbe(
      'vantage_hub_probe_outbox_results',
      'Results in the probe outbox, as its last status said',
      (p) => stat(p, 'queueDepth'),
    )
    perProbe(
      'vantage_hub_probe_clock_offset_seconds',
      "The probe's clock minus the hub's, as the probe estimates it",
      (p) => {
        const ms = stat(p, 'clockOffsetMs')
        return ms === undefined ? undefined : ms / 1_000
      },
    )
    perProbe(
      'vantage_hub_probe_last_seen_timestamp_seconds',
      'When the probe last published its status (Unix time)',
      (p) => p.lastSeen / 1_000,
    )
  }

  #renderProcess(out: ExpositionWriter): void {
    const usage = process.cpuUsage()
    out.family('process_cpu_seconds_total', 'counter', 'User and system CPU time of the hub')
    out.sample('process_cpu_seconds_total', '', (usage.user + usage.system) / 1e6)
    out.family('process_resident_memory_bytes', 'gauge', 'Resident memory of the hub')
    out.sample('process_resident_memory_bytes', '', process.memoryUsage.rss())
    out.family('process_start_time_seconds', 'gauge', 'When the hub started (Unix time)')
    out.sample('process_start_time_seconds', '', Math.floor(Date.now() / 1_000 - process.uptime()))
  }
}
