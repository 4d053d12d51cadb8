/**
 * RSS 2.0 and Atom feeds of a page's incident posts and maintenance, one entry per
 * post, newest update first, so feed readers see a post again when it changes.
 */
import { STATE_LABELS } from './component-state.ts'
import { maintenanceStatus, type PageModel } from './page-model.ts'
import type { Post } from './post-store.ts'

const FEED_ENTRIES = 50

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

function entryText(post: Post, model: PageModel): string {
  const names = post.components
    .map((id) => model.components.find((c) => c.id === id)?.name)
    .filter(Boolean)
  const status =
    post.kind === 'maintenance' ? maintenanceStatus(post, model.generatedAt) : post.status
  const lines = [...post.updates]
    .reverse()
    .map((u) => `${new Date(u.at).toISOString()} ${u.status}: ${u.body}`)
  return [`Status: ${status}`, names.length ? `Affects: ${names.join(', ')}` : '', ...lines]
    .filter(Boolean)
    .join('\n')
}

export function rssFeed(model: PageModel, url: string): string {
  const items = model.posts
    .slice(0, FEED_ENTRIES)
    .map(
      (post) =>
        `<item><title>${escapeXml(post.title)}</title><link>${escapeXml(`${url}#p-${post.id}`)}</link>` +
        `<guid isPermaLink="false">${post.id}-${post.updatedAt}</guid><pubDate>${new Date(post.updatedAt).toUTCString()}</pubDate>` +
        `<description>${escapeXml(entryText(post, model))}</description></item>`,
    )
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>` +
    `<title>${escapeXml(model.page.title)}</title><link>${escapeXml(url)}</link>` +
    `<atom:link href="${escapeXml(`${url}/history.rss`)}" rel="self" type="application/rss+xml"/>` +
    `<description>${escapeXml(`${model.page.title}: ${STATE_LABELS[model.state]}`)}</description>` +
    `<lastBuildDate>${new Date(model.posts[0]?.updatedAt ?? model.generatedAt).toUTCString()}</lastBuildDate>` +
    `${items.join('')}</channel></rss>\n`
  )
}

export function atomFeed(model: PageModel, url: string): string {
  const updated = new Date(model.posts[0]?.updatedAt ?? model.generatedAt).toISOString()
  const entries = model.posts
    .slice(0, FEED_ENTRIES)
    .map(
      (post) =>
        `<entry><id>urn:vantage:${escapeXml(model.page.slug)}:${post.id}</id><title>${escapeXml(post.title)}</title>` +
        `<updated>${new Date(post.updatedAt).toISOString()}</updated><published>${new Date(post.createdAt).toISOString()}</published>` +
        `<link href="${escapeXml(`${url}#p-${post.id}`)}"/><content type="text">${escapeXml(entryText(post, model))}</content></entry>`,
    )
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">` +
    `<id>${escapeXml(url)}</id><title>${escapeXml(model.page.title)}</title><updated>${updated}</updated>` +
    `<link href="${escapeXml(url)}"/><link rel="self" href="${escapeXml(`${url}/history.atom`)}"/>` +
    `<author><name>${escapeXml(model.page.title)}</name></author>${entries.join('')}</feed>\n`
  )
}
