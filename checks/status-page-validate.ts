/**
 * Validates the `statusPages` of a monitoring project: each page against its schema,
 * then what a schema cannot see: check ids that name no check, slugs and component ids
 * used twice, groups naming no component, more than one home page, and an email
 * subscription channel that is not an email channel.
 */
import { issuesToErrors } from './issue-text.ts'
import { componentId, statusPageSchema, type StatusPageConfig } from './status-page.ts'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Returns the valid pages and appends one error per problem, each with its path.
 * @example
 * validateStatusPages([{ slug: 'x', title: 'X', components: [] }], new Set(), new Map(), errors)
 * // errors: ['statusPages[0].components: list at least one component']
 */
export function validateStatusPages(
  raw: unknown,
  checkIds: ReadonlySet<string>,
  channelTypes: ReadonlyMap<string, string>,
  errors: string[],
): StatusPageConfig[] {
  if (raw === undefined) return []
  if (!Array.isArray(raw)) {
    errors.push("statusPages: expected a list, e.g. [statusPage('public', { ... })]")
    return []
  }
  const pages: StatusPageConfig[] = []
  const slugs = new Map<string, number>()
  let home: number | undefined
  raw.forEach((input, index) => {
    const at = `statusPages[${index}]`
    if (!isRecord(input)) {
      errors.push(`${at}: expected statusPage('slug', { title, components })`)
      return
    }
    const parsed = statusPageSchema.safeParse(input)
    if (!parsed.success) {
      errors.push(...issuesToErrors(parsed.error.issues, input, ['statusPages', index]))
      return
    }
    const page = parsed.data
    const before = errors.length
    const earlier = slugs.get(page.slug)
    if (earlier !== undefined) {
      errors.push(`${at}.slug: "${page.slug}" is used by statusPages[${earlier}] too`)
    } else slugs.set(page.slug, index)
    if (page.home) {
      if (home !== undefined) {
        errors.push(`${at}.home: statusPages[${home}] is the home page already; only one can be`)
      } else home = index
    }
    if (page.access === 'private' && page.home) {
      errors.push(`${at}.home: a private page cannot be the hub's public home page`)
    }
    const ids = new Map<string, number>()
    page.components.forEach((component, position) => {
      const id = componentId(component)
      const seen = ids.get(id)
      if (seen !== undefined) {
        errors.push(
          `${at}.components[${position}]: id "${id}" is used by components[${seen}] too; give one an id`,
        )
      } else ids.set(id, position)
      component.checks.forEach((checkId, n) => {
        if (!checkIds.has(checkId)) {
          errors.push(`${at}.components[${position}].checks[${n}]: no check with id "${checkId}"`)
        }
      })
    })
    const names = new Set(page.components.map((component) => component.name))
    const grouped = new Map<string, number>()
    page.groups.forEach((group, g) => {
      group.components.forEach((ref, n) => {
        const path = `${at}.groups[${g}].components[${n}]`
        if (!ids.has(ref) && !names.has(ref)) {
          errors.push(`${path}: no component with id or name "${ref}"`)
          return
        }
        const id = ids.has(ref) ? ref : componentId(page.components.find((c) => c.name === ref)!)
        const other = grouped.get(id)
        if (other !== undefined) errors.push(`${path}: "${ref}" is in groups[${other}] already`)
        else grouped.set(id, g)
      })
    })
    const email = page.subscriptions.email?.channel
    if (email !== undefined && channelTypes.get(email) !== 'email') {
      errors.push(
        channelTypes.has(email)
          ? `${at}.subscriptions.email.channel: "${email}" is a ${channelTypes.get(email)} channel; name an email channel`
          : `${at}.subscriptions.email.channel: no channel named "${email}"`,
      )
    }
    if (errors.length === before) pages.push(page)
  })
  return pages
}
