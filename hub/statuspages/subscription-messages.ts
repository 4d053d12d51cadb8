/**
 * The messages subscribers get: the confirmation email of a double opt-in, an email per
 * post update with a one-click unsubscribe (RFC 8058), and the signed webhook body.
 */
import type { EmailPayload } from '../../checks/channels/email.ts'
import type { StatusPageConfig } from '../../checks/status-page.ts'
import { escapeXml } from './feeds.ts'
import type { Post, PostUpdate } from './post-store.ts'

const html = escapeXml

export function confirmationEmail(
  page: StatusPageConfig,
  pageUrl: string,
  token: string,
): EmailPayload {
  const confirm = `${pageUrl}/subscriptions/confirm?token=${token}`
  const text =
    `Someone, hopefully you, asked for updates from ${page.title} at this address.\n\n` +
    `Confirm the subscription: ${confirm}\n\nIf it was not you, ignore this email: nothing more will be sent.\n`
  return {
    subject: `Confirm your subscription to ${page.title}`,
    text,
    html:
      `<p>Someone, hopefully you, asked for updates from <b>${html(page.title)}</b> at this address.</p>` +
      `<p><a href="${html(confirm)}">Confirm the subscription</a></p>` +
      `<p>If it was not you, ignore this email: nothing more will be sent.</p>`,
  }
}

export function updateEmail(
  page: StatusPageConfig,
  pageUrl: string,
  post: Post,
  update: PostUpdate,
  componentNames: string[],
  token: string,
): EmailPayload {
  const unsubscribe = `${pageUrl}/subscriptions/unsubscribe?token=${token}`
  const status = update.status.replace('_', ' ')
  const affects = componentNames.length ? `Affects: ${componentNames.join(', ')}\n` : ''
  return {
    subject: `[${page.title}] ${post.title}: ${status}`,
    text:
      `${post.title}\n${status}: ${update.body}\n${affects}\n` +
      `${new Date(update.at).toISOString()}\n${pageUrl}#p-${post.id}\n\n` +
      `Unsubscribe: ${unsubscribe}\n`,
    html:
      `<h2>${html(post.title)}</h2><p><b>${html(status)}</b>: ${html(update.body)}</p>` +
      (componentNames.length ? `<p>Affects: ${html(componentNames.join(', '))}</p>` : '') +
      `<p><a href="${html(`${pageUrl}#p-${post.id}`)}">See the status page</a></p>` +
      `<p style="font-size:small"><a href="${html(unsubscribe)}">Unsubscribe</a></p>`,
    headers: {
      'List-Unsubscribe': `<${unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  }
}

/** The webhook body: the page, the post as the v2 JSON shows it, and the update that is new. */
export function webhookBody(
  page: StatusPageConfig,
  pageUrl: string,
  post: Post,
  update: PostUpdate,
) {
  const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString())
  return JSON.stringify({
    meta: { generated_at: iso(update.at) },
    page: { id: page.slug, name: page.title, url: pageUrl },
    incident: {
      id: post.id,
      name: post.title,
      kind: post.kind,
      status: post.status,
      impact: post.impact,
      created_at: iso(post.createdAt),
      updated_at: iso(post.updatedAt),
      resolved_at: iso(post.resolvedAt),
      scheduled_for: iso(post.scheduledFor),
      scheduled_until: iso(post.scheduledUntil),
      shortlink: `${pageUrl}#p-${post.id}`,
      components: post.components,
      incident_updates: [...post.updates].reverse().map((u) => ({
        id: u.id,
        status: u.status,
        body: u.body,
        created_at: iso(u.at),
      })),
    },
    update: { id: update.id, status: update.status, body: update.body, created_at: iso(update.at) },
  })
}
