/**
 * Subscribing to a status page. Visitors subscribe by email from the page's form (or as
 * JSON), confirm from the email (double opt-in), and leave with one click; operators (or
 * visitors, where the page allows it) register webhooks, and read subscribers and the
 * delivery log.
 *
 * - `POST /status/:slug/subscribe` form or JSON `{ email, components? }` → "check your inbox"
 *   (the same answer whether or not the address was known)
 * - `GET /status/:slug/subscriptions/confirm?token=` confirms
 * - `GET /status/:slug/subscriptions/unsubscribe?token=` asks; `POST` (RFC 8058 one-click) ends it
 * - `POST /status/:slug/webhooks` `{ url, components? }` → 201 `{ id, secret, ... }`;
 *   `DELETE /status/:slug/webhooks/:id`
 * - `GET /api/v1/status-pages/:slug/subscribers`, `.../deliveries` (API token)
 */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { componentId, type StatusPageConfig } from '../../checks/status-page.ts'
import { renderPlainPage } from '../pages/plain-page.tsx'
import type { StatusPages } from '../statuspages/status-pages.ts'
import type { Subscriptions } from '../statuspages/subscriptions.ts'
import { issueLines, readValidBody, tooLarge } from './json-body.ts'
import { secretAccess } from './secret-access.ts'

export const MAX_SUBSCRIBE_BODY_BYTES = 16 * 1024

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/

const subscribeSchema = z.strictObject({
  email: z
    .string()
    .trim()
    .max(254)
    .regex(EMAIL, { error: 'must be an email address, e.g. ops@example.com' }),
  components: z.array(z.string().min(1)).max(100).default([]),
})

const webhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2_000),
  components: z.array(z.string().min(1)).max(100).default([]),
})

export interface SubscriptionRouteDeps {
  pages: StatusPages
  subscriptions: Subscriptions
  /** Whether visitors may subscribe by email (a public page with an email channel). */
  subscribable: (page: StatusPageConfig) => boolean
  apiToken?: string
  now: () => number
  pageUrl: (page: StatusPageConfig) => string
  /** Sends what was just queued without waiting for the next pass. */
  wake: () => void
}

/** Reads a urlencoded form of at most `max` bytes; null when it is larger. */
async function readForm(c: Context, max: number): Promise<URLSearchParams | null> {
  const stream = c.req.raw.body
  if (!stream) return new URLSearchParams()
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

export function subscriptionRoutes(deps: SubscriptionRouteDeps): Hono {
  const { pages, subscriptions } = deps
  const app = new Hono()

  const html = (
    c: Context,
    page: StatusPageConfig,
    message: string,
    status: 200 | 400 | 404 = 200,
  ) =>
    c.html(
      renderPlainPage(page.title, message, undefined, { back: `/status/${page.slug}` }),
      status,
    )

  const unknownComponents = (page: StatusPageConfig, ids: string[]) => {
    const known = new Set(page.components.map(componentId))
    return ids.flatMap((id, i) => (known.has(id) ? [] : [`components[${i}]: no component "${id}"`]))
  }

  app.post('/status/:slug/subscribe', async (c) => {
    const page = pages.get(c.req.param('slug'))
    if (!page || page.access !== 'public')
      return c.json({ error: `no status page "${c.req.param('slug')}"` }, 404)
    if (!deps.subscribable(page)) {
      return c.json(
        { error: 'this page takes no email subscriptions (it names no email channel)' },
        404,
      )
    }
    const type = c.req.header('content-type') ?? ''
    const isForm = /^application\/x-www-form-urlencoded\b/i.test(type)
    let input: z.infer<typeof subscribeSchema>
    if (isForm) {
      const form = await readForm(c, MAX_SUBSCRIBE_BODY_BYTES)
      if (!form) return tooLarge(c, MAX_SUBSCRIBE_BODY_BYTES)
      const raw = { email: form.get('email') ?? '', components: form.getAll('components') }
      const parsed = subscribeSchema.safeParse(raw)
      if (!parsed.success)
        return html(c, page, `That did not work: ${issueLines(parsed.error, raw).join('; ')}`, 400)
      input = parsed.data
    } else {
      const read = await readValidBody(c, subscribeSchema, {
        maxBytes: MAX_SUBSCRIBE_BODY_BYTES,
        example: '{"email": "ops@example.com", "components": ["api"]}',
      })
      if (!read.ok) return read.response
      input = read.body
    }
    const unknown = unknownComponents(page, input.components)
    if (unknown.length > 0) {
      return isForm
        ? html(c, page, `That did not work: ${unknown.join('; ')}`, 400)
        : c.json({ error: 'the request body is invalid', errors: unknown }, 400)
    }
    const outcome = subscriptions.subscribeEmail(
      page.slug,
      input.email,
      input.components,
      deps.now(),
    )
    if ('error' in outcome)
      return isForm ? html(c, page, outcome.error, 400) : c.json({ error: outcome.error }, 429)
    if (outcome.sendConfirmation) deps.wake()
    const message = `Check your inbox: if ${input.email} is not subscribed yet, a link to confirm is on its way.`
    return isForm ? html(c, page, message) : c.json({ ok: true, message }, 202)
  })

  app.get('/status/:slug/subscriptions/confirm', (c) => {
    const page = pages.get(c.req.param('slug'))
    if (!page) return c.json({ error: `no status page "${c.req.param('slug')}"` }, 404)
    const subscriber = subscriptions.confirm(c.req.query('token') ?? '')
    if (!subscriber || subscriber.page !== page.slug) {
      return html(c, page, 'This link is not valid any more. Subscribe again from the page.', 404)
    }
    return html(
      c,
      page,
      `You are subscribed: ${subscriber.target} will get ${page.title}'s updates.`,
    )
  })

  app.get('/status/:slug/subscriptions/unsubscribe', (c) => {
    const page = pages.get(c.req.param('slug'))
    if (!page) return c.json({ error: `no status page "${c.req.param('slug')}"` }, 404)
    const token = c.req.query('token') ?? ''
    const subscriber = subscriptions.byToken(token)
    if (!subscriber || subscriber.page !== page.slug)
      return html(c, page, 'You are not subscribed (any more).')
    const url = `/status/${page.slug}/subscriptions/unsubscribe?token=${encodeURIComponent(token)}`
    return c.html(
      renderPlainPage(
        page.title,
        `Stop sending ${page.title}'s updates to ${subscriber.target}?`,
        undefined,
        {
          action: { url, label: 'Unsubscribe' },
          back: `/status/${page.slug}`,
        },
      ),
    )
  })

  app.post('/status/:slug/subscriptions/unsubscribe', (c) => {
    const page = pages.get(c.req.param('slug'))
    if (!page) return c.json({ error: `no status page "${c.req.param('slug')}"` }, 404)
    const removed = subscriptions.remove({ token: c.req.query('token') ?? '' })
    return html(
      c,
      page,
      removed
        ? `Unsubscribed: ${removed.target} gets nothing more.`
        : 'You are not subscribed (any more).',
    )
  })

  const operator = (c: Context) => secretAccess(c, deps.apiToken)

  app.post('/status/:slug/webhooks', async (c) => {
    const page = pages.get(c.req.param('slug'))
    if (!page) return c.json({ error: `no status page "${c.req.param('slug')}"` }, 404)
    const mode = page.subscriptions.webhooks
    const open = mode === 'public' && page.access === 'public'
    if (mode === 'off') return c.json({ error: 'this page takes no webhooks' }, 404)
    if (!open) {
      const access = operator(c)
      if (!access.ok) return c.json({ error: access.error }, access.status)
    }
    const read = await readValidBody(c, webhookSchema, {
      maxBytes: MAX_SUBSCRIBE_BODY_BYTES,
      example: '{"url": "https://hooks.example.com/status", "components": ["api"]}',
    })
    if (!read.ok) return read.response
    const unknown = unknownComponents(page, read.body.components)
    if (unknown.length > 0)
      return c.json({ error: 'the request body is invalid', errors: unknown }, 400)
    const added = subscriptions.addWebhook(
      page.slug,
      read.body.url,
      read.body.components,
      deps.now(),
    )
    if ('error' in added) return c.json({ error: added.error }, 429)
    return c.json(
      {
        ...added.subscriber,
        secret: added.secret,
        signature:
          'x-vantage-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>',
      },
      201,
    )
  })

  app.delete('/status/:slug/webhooks/:id', (c) => {
    const access = operator(c)
    if (!access.ok) return c.json({ error: access.error }, access.status)
    const removed = subscriptions.remove({ id: c.req.param('id'), page: c.req.param('slug') })
    return removed
      ? c.json({ removed })
      : c.json({ error: `no webhook "${c.req.param('id')}"` }, 404)
  })

  for (const what of ['subscribers', 'deliveries'] as const) {
    app.get(`/api/v1/status-pages/:slug/${what}`, (c) => {
      const access = operator(c)
      if (!access.ok) return c.json({ error: access.error }, access.status)
      const page = pages.get(c.req.param('slug'))
      if (!page) return c.json({ error: `no status page "${c.req.param('slug')}"` }, 404)
      return c.json(
        what === 'subscribers'
          ? { subscribers: subscriptions.list(page.slug) }
          : { deliveries: subscriptions.deliveries(page.slug) },
      )
    })
  }

  return app
}
