/**
 * What operators do to status pages, for `vantage incident` and scripts: write incident
 * posts and their updates (and backfill past ones), schedule maintenance, publish what
 * the hub suggested, and override a component's state. Every route needs the API token,
 * or a client on the hub machine when the hub has none (secret-access.ts).
 *
 * - `GET /api/v1/status-pages` the pages with their components and states
 * - `GET /api/v1/status-pages/:slug/posts` every post, suggested ones too
 * - `POST /api/v1/status-pages/:slug/posts` `{ title, body, status?, components?, impact?,
 *   at?, kind?: 'incident' | 'maintenance', scheduledFor?, scheduledUntil?, published? }` → 201
 * - `POST /api/v1/status-pages/:slug/posts/:id/updates` `{ status, body, at? }`
 * - `POST /api/v1/status-pages/:slug/posts/:id/publish`
 * - `PUT|DELETE /api/v1/status-pages/:slug/components/:id/override` `{ state, reason? }`
 *
 * Answers: 400 with `errors` (each with its path), 404 for an unknown page, post or
 * component, 413 past 64 KiB, 415 without `content-type: application/json`.
 */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { COMPONENT_STATES, componentId } from '../../checks/status-page.ts'
import {
  IMPACTS,
  INCIDENT_STATUSES,
  MAINTENANCE_STATUSES,
  type PostStatus,
} from '../statuspages/post-store.ts'
import type { StatusPages } from '../statuspages/status-pages.ts'
import { readValidBody } from './json-body.ts'
import { secretAccess } from './secret-access.ts'

export const MAX_POST_BODY_BYTES = 64 * 1024

/** Between 2000 and 9999, as ISO 8601; a backfilled post may lie years back. */
const isoTime = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 time, e.g. 2026-03-12T14:00:00Z' })
  .transform((text) => Date.parse(text))
  .refine((at) => at >= Date.UTC(2000, 0, 1) && at < Date.UTC(10_000, 0, 1), {
    error: 'must lie between 2000 and 9999',
  })

const postSchema = z
  .strictObject({
    kind: z.enum(['incident', 'maintenance']).default('incident'),
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(10_000),
    status: z.enum([...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES]).optional(),
    components: z.array(z.string().min(1)).max(100).default([]),
    impact: z.enum(IMPACTS).optional(),
    at: isoTime.optional(),
    scheduledFor: isoTime.optional(),
    scheduledUntil: isoTime.optional(),
    published: z.boolean().default(true),
  })
  .superRefine((post, ctx) => {
    const statuses: readonly string[] =
      post.kind === 'incident' ? INCIDENT_STATUSES : MAINTENANCE_STATUSES
    if (post.status && !statuses.includes(post.status)) {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: `a ${post.kind} post takes one of ${statuses.join(', ')}`,
      })
    }
    if (post.kind === 'maintenance' && (!post.scheduledFor || !post.scheduledUntil)) {
      ctx.addIssue({
        code: 'custom',
        path: ['scheduledFor'],
        message: 'maintenance needs scheduledFor and scheduledUntil',
      })
    }
    if (post.scheduledFor && post.scheduledUntil && post.scheduledUntil <= post.scheduledFor) {
      ctx.addIssue({
        code: 'custom',
        path: ['scheduledUntil'],
        message: 'must be after scheduledFor',
      })
    }
  })

const updateSchema = z.strictObject({
  status: z.enum([...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES]),
  body: z.string().trim().min(1).max(10_000),
  at: isoTime.optional(),
})

const overrideSchema = z.strictObject({
  state: z.enum(COMPONENT_STATES),
  reason: z.string().trim().min(1).max(500).optional(),
})

export interface StatusAdminRouteDeps {
  pages: StatusPages
  apiToken?: string
  now: () => number
}

function guard(apiToken: string | undefined) {
  return async (c: Context, next: () => Promise<void>) => {
    const access = secretAccess(c, apiToken)
    if (access.ok) return next()
    if (access.challenge) c.header('www-authenticate', 'Bearer')
    return c.json({ error: access.error }, access.status)
  }
}

const invalid = (c: Context, errors: string[]) =>
  c.json({ error: 'the request body is invalid', errors }, 400)

export function statusAdminRoutes(deps: StatusAdminRouteDeps): Hono {
  const { pages } = deps
  const app = new Hono()
  app.use('/api/v1/status-pages', guard(deps.apiToken))
  app.use('/api/v1/status-pages/*', guard(deps.apiToken))

  const pageOf = (c: Context) => pages.get(c.req.param('slug') ?? '')
  const noPage = (c: Context) => c.json({ error: `no status page "${c.req.param('slug')}"` }, 404)

  app.get('/api/v1/status-pages', (c) =>
    c.json({
      pages: pages.list().map((page) => {
        const model = pages.model(page)
        return {
          slug: page.slug,
          title: page.title,
          access: page.access,
          home: page === pages.home(),
          path: `/status/${page.slug}`,
          state: model.state,
          components: model.components.map(({ id, name, state, reason, overridden }) => ({
            id,
            name,
            state,
            reason,
            overridden,
          })),
        }
      }),
    }),
  )

  app.get('/api/v1/status-pages/:slug/posts', (c) => {
    const page = pageOf(c)
    if (!page) return noPage(c)
    return c.json({ posts: pages.posts.list(page.slug, { includeSuggested: true }) })
  })

  app.post('/api/v1/status-pages/:slug/posts', async (c) => {
    const page = pageOf(c)
    if (!page) return noPage(c)
    const read = await readValidBody(c, postSchema, {
      maxBytes: MAX_POST_BODY_BYTES,
      example: '{"title": "API errors", "body": "We are investigating.", "components": ["api"]}',
    })
    if (!read.ok) return read.response
    const input = read.body
    const known = new Set(page.components.map(componentId))
    const unknown = input.components.flatMap((id, i) =>
      known.has(id)
        ? []
        : [`components[${i}]: no component "${id}" on this page (${[...known].join(', ')})`],
    )
    if (unknown.length > 0) return invalid(c, unknown)
    const status: PostStatus =
      input.status ?? (input.kind === 'incident' ? 'investigating' : 'scheduled')
    const post = pages.createPost({
      page: page.slug,
      kind: input.kind,
      title: input.title,
      body: input.body,
      status,
      components: input.components,
      impact: input.impact ?? (input.kind === 'maintenance' ? 'maintenance' : 'minor'),
      at: input.at ?? deps.now(),
      scheduledFor: input.scheduledFor,
      scheduledUntil: input.scheduledUntil,
      published: input.published,
    })
    return c.json({ post }, 201)
  })

  app.post('/api/v1/status-pages/:slug/posts/:id/updates', async (c) => {
    const page = pageOf(c)
    if (!page) return noPage(c)
    const post = pages.posts.get(c.req.param('id'))
    if (!post || post.page !== page.slug)
      return c.json({ error: `no post "${c.req.param('id')}"` }, 404)
    const read = await readValidBody(c, updateSchema, {
      maxBytes: MAX_POST_BODY_BYTES,
      example: '{"status": "identified", "body": "A bad deploy; rolling back."}',
    })
    if (!read.ok) return read.response
    const statuses: readonly string[] =
      post.kind === 'incident' ? INCIDENT_STATUSES : MAINTENANCE_STATUSES
    if (!statuses.includes(read.body.status)) {
      return invalid(c, [`status: a ${post.kind} post takes one of ${statuses.join(', ')}`])
    }
    const updated = pages.updatePost(
      post.id,
      read.body.status,
      read.body.body,
      read.body.at ?? deps.now(),
    )
    return c.json({ post: updated })
  })

  app.post('/api/v1/status-pages/:slug/posts/:id/publish', (c) => {
    const page = pageOf(c)
    if (!page) return noPage(c)
    const post = pages.posts.get(c.req.param('id'))
    if (!post || post.page !== page.slug)
      return c.json({ error: `no post "${c.req.param('id')}"` }, 404)
    return c.json({ post: pages.publish(post.id) })
  })

  const componentOf = (c: Context) => {
    const page = pageOf(c)
    const id = c.req.param('id')
    return page && page.components.some((x) => componentId(x) === id) ? { page, id: id! } : null
  }

  app.put('/api/v1/status-pages/:slug/components/:id/override', async (c) => {
    const found = componentOf(c)
    if (!found)
      return c.json(
        { error: `no component "${c.req.param('id')}" on page "${c.req.param('slug')}"` },
        404,
      )
    const read = await readValidBody(c, overrideSchema, {
      maxBytes: MAX_POST_BODY_BYTES,
      example: '{"state": "degraded_performance", "reason": "Slow searches"}',
    })
    if (!read.ok) return read.response
    pages.posts.setOverride(
      found.page.slug,
      found.id,
      read.body.state,
      read.body.reason ?? null,
      deps.now(),
    )
    pages.changed()
    return c.json({ override: { component: found.id, ...read.body } })
  })

  app.delete('/api/v1/status-pages/:slug/components/:id/override', (c) => {
    const found = componentOf(c)
    if (!found)
      return c.json(
        { error: `no component "${c.req.param('id')}" on page "${c.req.param('slug')}"` },
        404,
      )
    const removed = pages.posts.clearOverride(found.page.slug, found.id)
    pages.changed()
    return c.json({ removed })
  })

  return app
}
