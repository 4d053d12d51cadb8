/**
 * Subscribers of status pages and what they are sent. Email subscribers confirm their
 * address first (double opt-in), choose components (none chosen: all), and can leave in
 * one click; webhook subscribers get each post update as JSON signed with HMAC-SHA256.
 * Every message is written to a delivery log before it is sent, retried with backoff,
 * and kept there with its outcome, so an operator can see who got what.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { ulid } from '../../lib/ulid.ts'
import type { SendOutcome } from '../../lib/http-delivery.ts'
import type { Database } from '../store/database.ts'

export type SubscriberKind = 'email' | 'webhook'

export interface Subscriber {
  id: string
  page: string
  kind: SubscriberKind
  /** The email address or the webhook URL. */
  target: string
  /** Component ids; empty: every component. */
  components: string[]
  confirmed: boolean
  createdAt: number
}

export interface Delivery {
  id: string
  subscriberId: string
  kind: 'confirm' | 'update'
  postId: string | null
  updateId: string | null
  state: 'pending' | 'sent' | 'failed'
  attempts: number
  nextAt: number
  lastError: string | null
  lastStatus: number | null
  createdAt: number
  doneAt: number | null
}

/** Waits after each failed attempt; past the last, the delivery is given up. */
export const RETRY_DELAYS_MS = [10_000, 60_000, 300_000, 1_800_000, 7_200_000]
/** A page takes at most this many subscribers, and this many waiting to confirm. */
export const MAX_SUBSCRIBERS = 10_000
export const MAX_UNCONFIRMED = 500
/** A confirmation email is sent again for the same address only after this long. */
export const CONFIRM_RESEND_MS = 10 * 60_000

const SCHEMA = `
CREATE TABLE IF NOT EXISTS status_subscribers (
  id TEXT PRIMARY KEY,
  page TEXT NOT NULL,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  components TEXT NOT NULL,
  secret TEXT NOT NULL,
  token TEXT NOT NULL UNIQUE,
  confirmed INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  confirm_sent_at INTEGER,
  UNIQUE (page, kind, target)
);
CREATE TABLE IF NOT EXISTS status_deliveries (
  id TEXT PRIMARY KEY,
  subscriber_id TEXT NOT NULL REFERENCES status_subscribers (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  post_id TEXT,
  update_id TEXT,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_at INTEGER NOT NULL,
  last_error TEXT,
  last_status INTEGER,
  created_at INTEGER NOT NULL,
  done_at INTEGER,
  UNIQUE (subscriber_id, kind, update_id)
);
CREATE INDEX IF NOT EXISTS status_deliveries_due ON status_deliveries (state, next_at);
`

interface SubscriberRow {
  id: string
  page: string
  kind: SubscriberKind
  target: string
  components: string
  secret: string
  token: string
  confirmed: number
  created_at: number
  confirm_sent_at: number | null
}

const toSubscriber = (r: SubscriberRow): Subscriber => ({
  id: r.id,
  page: r.page,
  kind: r.kind,
  target: r.target,
  components: JSON.parse(r.components) as string[],
  confirmed: r.confirmed === 1,
  createdAt: r.created_at,
})

/**
 * The signature header of a webhook: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
 * A receiver recomputes it with the secret it was given and refuses old timestamps.
 */
export function webhookSignature(secret: string, body: string, at: number): string {
  const t = Math.floor(at / 1000)
  const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
  return `t=${t},v1=${mac}`
}

/** What a delivery needs to go out; the sender builds the message itself. */
export interface DueDelivery extends Delivery {
  subscriber: Subscriber & { secret: string; token: string }
}

export type Sender = (delivery: DueDelivery) => Promise<SendOutcome>

export class Subscriptions {
  readonly #db: Database

  constructor(db: Database) {
    this.#db = db
    db.exec(SCHEMA)
  }

  #row(where: string, ...args: unknown[]): SubscriberRow | undefined {
    return this.#db.prepare(`SELECT * FROM status_subscribers WHERE ${where}`).get(...args) as
      SubscriberRow | undefined
  }

  /**
   * Adds an email subscriber waiting for confirmation, or refreshes its components.
   * Returns whether to send a confirmation now: not for a confirmed address (its owner
   * would learn nothing new) and not twice within CONFIRM_RESEND_MS.
   */
  subscribeEmail(
    page: string,
    email: string,
    components: string[],
    at: number,
  ): { subscriber: Subscriber; sendConfirmation: boolean } | { error: string } {
    const target = email.trim().toLowerCase()
    const existing = this.#row('page = ? AND kind = ? AND target = ?', page, 'email', target)
    if (existing) {
      const resend =
        existing.confirmed === 0 && (existing.confirm_sent_at ?? 0) + CONFIRM_RESEND_MS <= at
      if (existing.confirmed === 0) {
        this.#db
          .prepare('UPDATE status_subscribers SET components = ? WHERE id = ?')
          .run(JSON.stringify(components), existing.id)
      }
      if (resend) this.#confirmationQueued(existing.id, at)
      return {
        subscriber: toSubscriber(this.#row('id = ?', existing.id)!),
        sendConfirmation: resend,
      }
    }
    const counts = this.#db
      .prepare(
        'SELECT COUNT(*) AS n, COALESCE(SUM(confirmed = 0), 0) AS waiting FROM status_subscribers WHERE page = ?',
      )
      .get(page) as { n: number; waiting: number }
    if (counts.n >= MAX_SUBSCRIBERS)
      return { error: 'this page has as many subscribers as it takes' }
    if (counts.waiting >= MAX_UNCONFIRMED) {
      return { error: 'too many subscriptions wait for confirmation; try again later' }
    }
    const id = this.#insert(page, 'email', target, components, false, at)
    this.#confirmationQueued(id, at)
    return { subscriber: toSubscriber(this.#row('id = ?', id)!), sendConfirmation: true }
  }

  #insert(
    page: string,
    kind: SubscriberKind,
    target: string,
    components: string[],
    confirmed: boolean,
    at: number,
  ): string {
    const id = ulid(at)
    this.#db
      .prepare(
        `INSERT INTO status_subscribers (id, page, kind, target, components, secret, token, confirmed, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        page,
        kind,
        target,
        JSON.stringify(components),
        randomBytes(32).toString('base64url'),
        randomBytes(24).toString('base64url'),
        confirmed ? 1 : 0,
        at,
      )
    return id
  }

  #confirmationQueued(id: string, at: number): void {
    this.#db.prepare('UPDATE status_subscribers SET confirm_sent_at = ? WHERE id = ?').run(at, id)
    this.#db
      .prepare(
        `INSERT INTO status_deliveries (id, subscriber_id, kind, post_id, update_id, state, attempts, next_at, created_at)
         VALUES (?, ?, 'confirm', NULL, ?, 'pending', 0, ?, ?)`,
      )
      .run(ulid(at), id, `confirm-${at}`, at, at)
  }

  /** Adds a webhook subscriber; its secret is returned once, for the receiver to verify with. */
  addWebhook(page: string, url: string, components: string[], at: number) {
    const existing = this.#row('page = ? AND kind = ? AND target = ?', page, 'webhook', url)
    if (existing) {
      this.#db
        .prepare('UPDATE status_subscribers SET components = ? WHERE id = ?')
        .run(JSON.stringify(components), existing.id)
      return {
        subscriber: toSubscriber(this.#row('id = ?', existing.id)!),
        secret: existing.secret,
      }
    }
    const count = this.#db
      .prepare('SELECT COUNT(*) AS n FROM status_subscribers WHERE page = ?')
      .get(page) as { n: number }
    if (count.n >= MAX_SUBSCRIBERS)
      return { error: 'this page has as many subscribers as it takes' }
    const id = this.#insert(page, 'webhook', url, components, true, at)
    const row = this.#row('id = ?', id)!
    return { subscriber: toSubscriber(row), secret: row.secret }
  }

  /** Confirms by the token of the confirmation email; null for an unknown token. */
  confirm(token: string): Subscriber | null {
    const row = this.#row('token = ?', token)
    if (!row) return null
    this.#db.prepare('UPDATE status_subscribers SET confirmed = 1 WHERE id = ?').run(row.id)
    return toSubscriber({ ...row, confirmed: 1 })
  }

  byToken(token: string): Subscriber | null {
    const row = this.#row('token = ?', token)
    return row ? toSubscriber(row) : null
  }

  /** Removes a subscriber and its pending deliveries. */
  remove(where: { token: string } | { id: string; page: string }): Subscriber | null {
    const row =
      'token' in where
        ? this.#row('token = ?', where.token)
        : this.#row('id = ? AND page = ?', where.id, where.page)
    if (!row) return null
    this.#db.prepare('DELETE FROM status_subscribers WHERE id = ?').run(row.id)
    return toSubscriber(row)
  }

  list(page: string): Subscriber[] {
    return (
      this.#db
        .prepare('SELECT * FROM status_subscribers WHERE page = ? ORDER BY created_at')
        .all(page) as SubscriberRow[]
    ).map(toSubscriber)
  }

  /**
   * Queues a post update for every confirmed subscriber of the page who chose one of the
   * post's components (or all). Each (subscriber, update) is queued once.
   */
  enqueueUpdate(
    page: string,
    postId: string,
    updateId: string,
    components: string[],
    at: number,
  ): number {
    const subscribers = this.list(page).filter(
      (s) =>
        s.confirmed &&
        (s.components.length === 0 ||
          components.length === 0 ||
          s.components.some((c) => components.includes(c))),
    )
    const insert = this.#db.prepare(
      `INSERT INTO status_deliveries (id, subscriber_id, kind, post_id, update_id, state, attempts, next_at, created_at)
       VALUES (?, ?, 'update', ?, ?, 'pending', 0, ?, ?) ON CONFLICT DO NOTHING`,
    )
    let queued = 0
    this.#db.transaction(() => {
      for (const s of subscribers)
        queued += insert.run(ulid(at), s.id, postId, updateId, at, at).changes
    })()
    return queued
  }

  /** Sends what is due now, one at a time, and records each outcome. */
  async deliverDue(now: number, send: Sender, limit = 50): Promise<number> {
    const rows = this.#db
      .prepare(
        `SELECT d.*, s.page, s.kind AS s_kind, s.target, s.components, s.secret, s.token, s.confirmed, s.created_at AS s_created
         FROM status_deliveries d JOIN status_subscribers s ON s.id = d.subscriber_id
         WHERE d.state = 'pending' AND d.next_at <= ? ORDER BY d.next_at LIMIT ?`,
      )
      .all(now, limit) as Array<Record<string, unknown>>
    for (const row of rows) {
      const delivery = this.#delivery(row)
      const due: DueDelivery = {
        ...delivery,
        subscriber: {
          id: delivery.subscriberId,
          page: row.page as string,
          kind: row.s_kind as SubscriberKind,
          target: row.target as string,
          components: JSON.parse(row.components as string) as string[],
          confirmed: row.confirmed === 1,
          createdAt: row.s_created as number,
          secret: row.secret as string,
          token: row.token as string,
        },
      }
      let outcome: SendOutcome
      try {
        outcome = await send(due)
      } catch (error) {
        outcome = { ok: false, error: String(error) }
      }
      const attempts = delivery.attempts + 1
      const retry = !outcome.ok && outcome.retryable !== false && attempts <= RETRY_DELAYS_MS.length
      const wait = Math.max(outcome.retryAfterMs ?? 0, RETRY_DELAYS_MS[attempts - 1] ?? 0)
      this.#db
        .prepare(
          `UPDATE status_deliveries SET attempts = ?, state = ?, next_at = ?, last_error = ?, last_status = ?, done_at = ?
           WHERE id = ?`,
        )
        .run(
          attempts,
          outcome.ok ? 'sent' : retry ? 'pending' : 'failed',
          retry ? now + wait : delivery.nextAt,
          outcome.ok ? null : (outcome.error ?? 'failed'),
          outcome.status ?? null,
          outcome.ok || !retry ? now : null,
          delivery.id,
        )
    }
    return rows.length
  }

  #delivery(row: Record<string, unknown>): Delivery {
    return {
      id: row.id as string,
      subscriberId: row.subscriber_id as string,
      kind: row.kind as Delivery['kind'],
      postId: (row.post_id as string | null) ?? null,
      updateId: (row.update_id as string | null) ?? null,
      state: row.state as Delivery['state'],
      attempts: row.attempts as number,
      nextAt: row.next_at as number,
      lastError: (row.last_error as string | null) ?? null,
      lastStatus: (row.last_status as number | null) ?? null,
      createdAt: row.created_at as number,
      doneAt: (row.done_at as number | null) ?? null,
    }
  }

  /** The delivery log of a page, newest first. */
  deliveries(page: string, limit = 200): Array<Delivery & { target: string }> {
    const rows = this.#db
      .prepare(
        `SELECT d.*, s.target FROM status_deliveries d JOIN status_subscribers s ON s.id = d.subscriber_id
         WHERE s.page = ? ORDER BY d.created_at DESC, d.id DESC LIMIT ?`,
      )
      .all(page, limit) as Array<Record<string, unknown>>
    return rows.map((row) => ({ ...this.#delivery(row), target: row.target as string }))
  }

  /** The earliest time a pending delivery is due, or null. */
  nextDue(): number | null {
    const row = this.#db
      .prepare("SELECT MIN(next_at) AS at FROM status_deliveries WHERE state = 'pending'")
      .get() as { at: number | null }
    return row.at
  }
}
