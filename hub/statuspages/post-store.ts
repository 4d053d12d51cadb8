/**
 * What a status page tells its visitors in words: incident posts with their updates
 * (investigating, identified, monitoring, resolved), scheduled maintenance, and an
 * operator's override of a component's state. Kept in the hub's SQLite database, apart
 * from the alert engine's incidents: a post is written for the public, and may be
 * backfilled, suggested by the hub, or never written for an outage nobody saw.
 */
import { ulid } from '../../lib/ulid.ts'
import type { ComponentState } from '../../checks/status-page.ts'
import type { Database } from '../store/database.ts'

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number]
export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number]
export type PostStatus = IncidentStatus | MaintenanceStatus
/** Statuspage's impact levels. */
export const IMPACTS = ['none', 'minor', 'major', 'critical', 'maintenance'] as const
export type Impact = (typeof IMPACTS)[number]

export interface PostUpdate {
  id: string
  status: PostStatus
  body: string
  at: number
}

export interface Post {
  id: string
  page: string
  kind: 'incident' | 'maintenance'
  title: string
  impact: Impact
  /** The status of the newest update. */
  status: PostStatus
  /** Component ids. */
  components: string[]
  /** False while a suggested post waits for a person to publish it. */
  published: boolean
  /** `auto` when the hub opened it for a confirmed outage. */
  origin: 'auto' | 'operator'
  createdAt: number
  updatedAt: number
  resolvedAt: number | null
  scheduledFor: number | null
  scheduledUntil: number | null
  /** Oldest first. */
  updates: PostUpdate[]
}

export interface NewPost {
  page: string
  kind: 'incident' | 'maintenance'
  title: string
  impact: Impact
  status: PostStatus
  body: string
  components: string[]
  published: boolean
  origin: 'auto' | 'operator'
  at: number
  scheduledFor?: number
  scheduledUntil?: number
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS status_posts (
  id TEXT PRIMARY KEY,
  page TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  impact TEXT NOT NULL,
  status TEXT NOT NULL,
  components TEXT NOT NULL,
  published INTEGER NOT NULL,
  origin TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  resolved_at INTEGER,
  scheduled_for INTEGER,
  scheduled_until INTEGER
);
CREATE INDEX IF NOT EXISTS status_posts_page ON status_posts (page, created_at);
CREATE TABLE IF NOT EXISTS status_post_updates (
  id TEXT PRIMARY KEY,
  post_id TEXT NOT NULL REFERENCES status_posts (id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  body TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS status_post_updates_post ON status_post_updates (post_id, at);
CREATE TABLE IF NOT EXISTS status_overrides (
  page TEXT NOT NULL,
  component TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT,
  set_at INTEGER NOT NULL,
  PRIMARY KEY (page, component)
);
`

interface PostRow {
  id: string
  page: string
  kind: 'incident' | 'maintenance'
  title: string
  impact: Impact
  status: PostStatus
  components: string
  published: number
  origin: 'auto' | 'operator'
  created_at: number
  updated_at: number
  resolved_at: number | null
  scheduled_for: number | null
  scheduled_until: number | null
}

const CLOSED: PostStatus[] = ['resolved', 'completed']

export class PostStore {
  readonly #db: Database

  constructor(db: Database) {
    this.#db = db
    db.exec(SCHEMA)
  }

  create(input: NewPost): Post {
    const id = ulid(input.at)
    const closed = CLOSED.includes(input.status)
    this.#db.transaction(() => {
      this.#db
        .prepare(
          `INSERT INTO status_posts (id, page, kind, title, impact, status, components, published,
             origin, created_at, updated_at, resolved_at, scheduled_for, scheduled_until)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.page,
          input.kind,
          input.title,
          input.impact,
          input.status,
          JSON.stringify(input.components),
          input.published ? 1 : 0,
          input.origin,
          input.at,
          input.at,
          closed ? input.at : null,
          input.scheduledFor ?? null,
          input.scheduledUntil ?? null,
        )
      this.#insertUpdate(id, input.status, input.body, input.at)
    })()
    return this.get(id)!
  }

  #insertUpdate(postId: string, status: PostStatus, body: string, at: number): void {
    this.#db
      .prepare(
        'INSERT INTO status_post_updates (id, post_id, status, body, at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(ulid(at), postId, status, body, at)
  }

  /** Adds an update; the post takes its status, and resolves with `resolved`/`completed`. */
  update(id: string, status: PostStatus, body: string, at: number): Post | null {
    const post = this.get(id)
    if (!post) return null
    this.#db.transaction(() => {
      this.#insertUpdate(id, status, body, at)
      // A backfilled update older than the newest leaves the current status alone.
      const newest = Math.max(at, post.updatedAt)
      const current = at >= post.updatedAt ? status : post.status
      this.#db
        .prepare('UPDATE status_posts SET status = ?, updated_at = ?, resolved_at = ? WHERE id = ?')
        .run(current, newest, CLOSED.includes(current) ? (post.resolvedAt ?? at) : null, id)
    })()
    return this.get(id)
  }

  publish(id: string, at: number): Post | null {
    const result = this.#db
      .prepare(
        'UPDATE status_posts SET published = 1, updated_at = MAX(updated_at, ?) WHERE id = ?',
      )
      .run(at, id)
    return result.changes === 0 ? null : this.get(id)
  }

  get(id: string): Post | null {
    const row = this.#db.prepare('SELECT * FROM status_posts WHERE id = ?').get(id) as
      PostRow | undefined
    return row ? this.#withUpdates([row])[0]! : null
  }

  /** A page's posts, newest first; `published` only by default. */
  list(page: string, options: { includeSuggested?: boolean; limit?: number } = {}): Post[] {
    const rows = this.#db
      .prepare(
        `SELECT * FROM status_posts WHERE page = ? ${options.includeSuggested ? '' : 'AND published = 1'}
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .all(page, options.limit ?? 200) as PostRow[]
    return this.#withUpdates(rows)
  }

  /**
   * The open auto posts of a page by component, in one read however many posts came
   * after them: the newest post's id where two cover a component.
   */
  openAutoPostIds(page: string): Map<string, string> {
    const rows = this.#db
      .prepare(
        `SELECT id, components FROM status_posts
         WHERE page = ? AND origin = 'auto' AND kind = 'incident' AND resolved_at IS NULL
         ORDER BY created_at DESC, id DESC`,
      )
      .all(page) as Array<{ id: string; components: string }>
    const out = new Map<string, string>()
    for (const row of rows) {
      for (const component of JSON.parse(row.components) as string[]) {
        if (!out.has(component)) out.set(component, row.id)
      }
    }
    return out
  }

  #withUpdates(rows: PostRow[]): Post[] {
    if (rows.length === 0) return []
    const updates = this.#db
      .prepare(
        `SELECT * FROM status_post_updates WHERE post_id IN (${rows.map(() => '?').join(',')})
         ORDER BY at, id`,
      )
      .all(...rows.map((r) => r.id)) as Array<PostUpdate & { post_id: string }>
    return rows.map((row) => ({
      id: row.id,
      page: row.page,
      kind: row.kind,
      title: row.title,
      impact: row.impact,
      status: row.status,
      components: JSON.parse(row.components) as string[],
      published: row.published === 1,
      origin: row.origin,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      resolvedAt: row.resolved_at,
      scheduledFor: row.scheduled_for,
      scheduledUntil: row.scheduled_until,
      updates: updates
        .filter((u) => u.post_id === row.id)
        .map(({ id, status, body, at }) => ({ id, status, body, at })),
    }))
  }

  setOverride(
    page: string,
    component: string,
    state: ComponentState,
    reason: string | null,
    at: number,
  ) {
    this.#db
      .prepare(
        `INSERT INTO status_overrides (page, component, state, reason, set_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (page, component) DO UPDATE SET state = excluded.state, reason = excluded.reason,
           set_at = excluded.set_at`,
      )
      .run(page, component, state, reason, at)
  }

  clearOverride(page: string, component: string): boolean {
    return (
      this.#db
        .prepare('DELETE FROM status_overrides WHERE page = ? AND component = ?')
        .run(page, component).changes > 0
    )
  }

  overrides(page: string): Map<string, { state: ComponentState; reason?: string }> {
    const rows = this.#db
      .prepare('SELECT component, state, reason FROM status_overrides WHERE page = ?')
      .all(page) as Array<{ component: string; state: ComponentState; reason: string | null }>
    return new Map(
      rows.map((r) => [r.component, { state: r.state, reason: r.reason ?? undefined }]),
    )
  }
}
