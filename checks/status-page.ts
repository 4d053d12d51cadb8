/**
 * Status pages as code: `statusPage('public', { title, components, groups })` in a
 * monitors file. A page shows components (a name, a description and the checks behind
 * them), never checks: what a visitor reads is chosen, and internals (targets, probe ids,
 * raw error codes) appear only where the page opts in. Pages stay on the hub.
 */
import { z } from 'zod'
import { secret } from './channels/config-fields.ts'

/** A page's slug is its URL: `/status/<slug>`. */
export const PAGE_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/

/** The states a component can be in, as Atlassian Statuspage names them. */
export const COMPONENT_STATES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const
export type ComponentState = (typeof COMPONENT_STATES)[number]

/** Turns a component name into an id for URLs and the JSON API: 'Public API' -> 'public-api'. */
export function componentIdOf(name: string): string {
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return id.slice(0, 64) || 'component'
}

const componentSchema = z.strictObject({
  /** Default: the name in lower case with dashes, e.g. `public-api`. */
  id: z
    .string()
    .regex(PAGE_SLUG, { error: 'use lower-case letters, digits and dashes, e.g. "public-api"' })
    .optional(),
  name: z.string().min(1).max(100),
  description: z.string().max(500).optional(),
  /** The ids of the checks behind the component. */
  checks: z.array(z.string().min(1)).min(1, 'list at least one check id'),
})

const groupSchema = z.strictObject({
  name: z.string().min(1).max(100),
  /** Component ids or names, in the order shown. */
  components: z.array(z.string().min(1)).min(1, 'list at least one component'),
  /** Shown folded until a visitor opens it; a group with trouble always opens. Default false. */
  collapsed: z.boolean().default(false),
})

/** What a page shows besides names, states, uptime and incident posts. All off by default. */
const showSchema = z
  .strictObject({
    /** The check targets (URLs, hosts). */
    targets: z.boolean().default(false),
    /** Probe ids, regions and versions. */
    probes: z.boolean().default(false),
    /** Raw error codes next to their plain-language wording. */
    errorCodes: z.boolean().default(false),
  })
  .default({ targets: false, probes: false, errorCodes: false })

export const statusPageSchema = z.strictObject({
  slug: z
    .string()
    .regex(PAGE_SLUG, { error: 'use lower-case letters, digits and dashes, e.g. "public"' }),
  title: z.string().min(1).max(200),
  description: z.string().max(1000).optional(),
  /** Serve this page at the hub's `/` too. At most one page may. */
  home: z.boolean().default(false),
  /**
   * `public` (default) or `private`: a private page needs the hub's API token or the
   * page `password`, has no feeds, and is never cached by proxies.
   */
  access: z.enum(['public', 'private']).default('public'),
  password: secret('a page password').optional(),
  components: z.array(componentSchema).min(1, 'list at least one component'),
  groups: z.array(groupSchema).default([]),
  /**
   * `auto` (default): a confirmed outage of a component opens an incident post
   * ("investigating") at once. `suggest`: the post waits for a person to publish it.
   */
  incidents: z.enum(['auto', 'suggest']).default('auto'),
  show: showSchema,
  /** The page's public address, for links in feeds and emails. Default: the hub's. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  subscriptions: z
    .strictObject({
      /** The email channel whose SMTP server and sender the page's emails use. */
      email: z.strictObject({ channel: z.string().min(1) }).optional(),
      /**
       * Who may register webhooks: `operators` (default, with the API token), `public`
       * (any visitor of a public page; the hub will then POST to addresses strangers
       * chose), or `off`.
       */
      webhooks: z.enum(['operators', 'public', 'off']).default('operators'),
    })
    .default({ webhooks: 'operators' }),
})

export type StatusPageConfig = z.infer<typeof statusPageSchema>
export type StatusComponentConfig = StatusPageConfig['components'][number]
export type StatusPageInput = Omit<z.input<typeof statusPageSchema>, 'slug'>
export type StatusPageDeclaration = z.input<typeof statusPageSchema>

/**
 * Declares a status page served at `/status/<slug>`.
 * @example
 * statusPage('public', {
 *   title: 'Acme status',
 *   components: [{ name: 'API', description: 'api.acme.com', checks: ['api-health'] }],
 * })
 */
export function statusPage(slug: string, page: StatusPageInput): StatusPageDeclaration {
  return { slug, ...page }
}

/** A component's id: its own, or one made from its name. */
export function componentId(component: { id?: string; name: string }): string {
  return component.id ?? componentIdOf(component.name)
}
