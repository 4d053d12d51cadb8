/**
 * The event log over HTTP, for `vantage events` and root-cause reviews:
 *
 * - `GET /api/v1/events?check=ID&kind=deploy,silence&since=T&until=T&limit=N` newest
 *   first; `since` and `until` are epoch ms or ISO 8601 times, `kind` one kind or several
 *   separated by commas, `limit` 1-1000 (default 100)
 *
 * The log names people and what they did, so with an API token it is the token's to
 * read, like the other operator routes. Answers 400 with `errors` for a bad query.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { secretAccess } from './secret-access.ts'
import { issueLines } from './json-body.ts'
import { EVENT_KINDS, type EventKind, type EventLog } from '../events/event-log.ts'

export const MAX_EVENTS_LIMIT = 1_000

/** Epoch ms, or an ISO 8601 time with a zone. */
const time = z.string().transform((text, ctx) => {
  if (/^\d{1,15}$/.test(text)) return Number(text)
  const parsed = /\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN
  if (Number.isNaN(parsed)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is neither epoch milliseconds nor an ISO 8601 time like 2026-03-01T12:00:00Z`,
    })
    return z.NEVER
  }
  return parsed
})

const kinds = z.string().transform((text, ctx) => {
  const list = text
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
  const unknown = list.filter((k) => !(EVENT_KINDS as readonly string[]).includes(k))
  if (unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown kind ${unknown.map((k) => `"${k}"`).join(', ')} (kinds: ${EVENT_KINDS.join(', ')})`,
    })
    return z.NEVER
  }
  return list as EventKind[]
})

const query = z.strictObject({
  check: z.string().min(1).max(200).optional(),
  kind: kinds.optional(),
  since: time.optional(),
  until: time.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_EVENTS_LIMIT).optional(),
})

export function eventRoutes(deps: { events: EventLog; apiToken?: string }): Hono {
  const app = new Hono()
  app.get('/api/v1/events', (c) => {
    if (deps.apiToken) {
      const access = secretAccess(c, deps.apiToken)
      if (!access.ok) {
        c.header('www-authenticate', 'Bearer')
        return c.json(
          {
            error:
              'the event log needs the API token: send Authorization: Bearer <token> ' +
              '(vantage events --api-token, or VANTAGE_API_TOKEN)',
          },
          401,
        )
      }
    }
    const raw = c.req.query()
    const parsed = query.safeParse(raw)
    if (!parsed.success) {
      return c.json({ error: 'the query is invalid', errors: issueLines(parsed.error, raw) }, 400)
    }
    const { check, kind, since, until, limit } = parsed.data
    return c.json({ events: deps.events.find({ check, kinds: kind, since, until, limit }) })
  })
  return app
}
