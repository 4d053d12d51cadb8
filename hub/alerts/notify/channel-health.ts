/**
 * Whether each notification channel works: consecutive failed attempts, the last error,
 * and when it last worked. A channel that keeps failing is itself an outage of the
 * monitoring, so the hub alerts on it (on the other channels) and the API shows it.
 *
 * The counts live in SQLite, so a hub restarted while a channel is broken still
 * reports it failing, and does not announce it failing a second time.
 */
import type { Database } from '../../store/database.ts'

/** A configured channel as `GET /api/v1/channels` shows it: no URL, no key. */
export interface ChannelHealth {
  name: string
  type: string
  /** failing: `failingAfter` attempts in a row failed; unused: never tried yet. */
  state: 'ok' | 'failing' | 'unused'
  /** Failed attempts since the last success; a retried attempt counts. */
  consecutiveFailures: number
  lastError: string | null
  lastFailureAt: number | null
  lastSuccessAt: number | null
  /** Notifications queued for the channel, not yet delivered or failed. */
  pending: number
}

/** What `onChange` hears when a channel starts or stops failing. */
export interface ChannelHealthChange {
  failing: boolean
  consecutiveFailures: number
  lastError: string | null
}

interface HealthRecord {
  consecutiveFailures: number
  lastError: string | null
  lastFailureAt: number | null
  lastSuccessAt: number | null
  failing: boolean
}

interface Row {
  channel: string
  consecutiveFailures: number
  lastError: string | null
  lastFailureAt: number | null
  lastSuccessAt: number | null
  failing: number
}

export interface ChannelHealthOptions {
  /** Failed attempts in a row that make a channel failing; read at each failure. */
  failingAfter: () => number
  /** Called once when a channel becomes failing and once when it works again. */
  onChange: (channel: string, change: ChannelHealthChange) => void
}

/**
 * Counts attempts per channel name.
 *
 * @example
 * const health = new ChannelHealthTracker(db, { failingAfter: () => 3, onChange: alertOnChannel })
 * health.failed('slack', now, 'HTTP 500')
 * health.report(config.channels, queue.pendingByChannel())
 */
export class ChannelHealthTracker {
  readonly #records = new Map<string, HealthRecord>()
  readonly #options: ChannelHealthOptions
  readonly #save

  constructor(db: Database, options: ChannelHealthOptions) {
    this.#options = options
    db.exec(`
      CREATE TABLE IF NOT EXISTS channel_health (
        channel TEXT PRIMARY KEY,
        consecutive_failures INTEGER NOT NULL,
        last_error TEXT,
        last_failure_at INTEGER,
        last_success_at INTEGER,
        failing INTEGER NOT NULL
      )
    `)
    const rows = db
      .prepare<[], Row>(
        `SELECT channel, consecutive_failures AS consecutiveFailures, last_error AS lastError,
           last_failure_at AS lastFailureAt, last_success_at AS lastSuccessAt, failing
         FROM channel_health`,
      )
      .all()
    for (const { channel, failing, ...rest } of rows) {
      this.#records.set(channel, { ...rest, failing: failing === 1 })
    }
    this.#save = db.prepare<[string, number, string | null, number | null, number | null, number]>(
      `INSERT OR REPLACE INTO channel_health
         (channel, consecutive_failures, last_error, last_failure_at, last_success_at, failing)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
  }

  /** An attempt on `channel` delivered: the failure count starts over. */
  succeeded(channel: string, at: number): void {
    const record = this.#get(channel)
    const recovered = record.failing
    Object.assign(record, { consecutiveFailures: 0, lastSuccessAt: at, failing: false })
    this.#store(channel, record)
    if (recovered) this.#announce(channel, record)
  }

  /** An attempt on `channel` failed, whether it will be retried or not. */
  failed(channel: string, at: number, error: string | null): void {
    const record = this.#get(channel)
    record.consecutiveFailures += 1
    record.lastError = error
    record.lastFailureAt = at
    const becameFailing =
      !record.failing && record.consecutiveFailures >= this.#options.failingAfter()
    if (becameFailing) record.failing = true
    this.#store(channel, record)
    if (becameFailing) this.#announce(channel, record)
  }

  /** The health of each channel in `channels`, in their order. */
  report(
    channels: readonly { name: string; type: string }[],
    pending: ReadonlyMap<string, number>,
  ): ChannelHealth[] {
    return channels.map(({ name, type }) => {
      const record = this.#records.get(name)
      const tried = record !== undefined && (record.lastSuccessAt ?? record.lastFailureAt) !== null
      return {
        name,
        type,
        state: record?.failing ? 'failing' : tried ? 'ok' : 'unused',
        consecutiveFailures: record?.consecutiveFailures ?? 0,
        lastError: record?.lastError ?? null,
        lastFailureAt: record?.lastFailureAt ?? null,
        lastSuccessAt: record?.lastSuccessAt ?? null,
        pending: pending.get(name) ?? 0,
      }
    })
  }

  #get(channel: string): HealthRecord {
    let record = this.#records.get(channel)
    if (!record) {
      record = {
        consecutiveFailures: 0,
        lastError: null,
        lastFailureAt: null,
        lastSuccessAt: null,
        failing: false,
      }
      this.#records.set(channel, record)
    }
    return record
  }

  #store(channel: string, r: HealthRecord): void {
    this.#save.run(
      channel,
      r.consecutiveFailures,
      r.lastError,
      r.lastFailureAt,
      r.lastSuccessAt,
      r.failing ? 1 : 0,
    )
  }

  #announce(channel: string, { failing, consecutiveFailures, lastError }: HealthRecord): void {
    this.#options.onChange(channel, { failing, consecutiveFailures, lastError })
  }
}
