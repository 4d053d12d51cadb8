/**
 * Validates the SLOs of a monitoring project: the `slos` list and each check's `slo:`
 * shorthand, with every error at once and its path (`slos[1].checks[0]: no check with
 * id "shop"`, `checks[3].slo.window: ...`). Checks are named as written, so an SLO over a
 * check that has its own errors reports only those.
 */
import type { z } from 'zod'
import type { SloConfig } from './alerting.ts'
import { issuesToErrors } from './issue-text.ts'
import {
  SLO_WINDOWS,
  sloInputSchema,
  type Objective,
  type SloDefinition,
  type SloWindow,
} from './slo.ts'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The checks as written, without their `slo` shorthand (check schemas do not know it). */
export function withoutCheckSlos(rawChecks: unknown[]): unknown[] {
  return rawChecks.map((raw) => {
    if (!isRecord(raw) || !('slo' in raw)) return raw
    const { slo: _slo, ...check } = raw
    return check
  })
}

/** What an SLO resolves its checks against: ids and tags as written. */
interface WrittenCheck {
  id: string
  tags: string[]
}

function writtenChecks(rawChecks: unknown[]): WrittenCheck[] {
  return rawChecks.flatMap((raw) =>
    isRecord(raw) && typeof raw.id === 'string'
      ? [
          {
            id: raw.id,
            tags: Array.isArray(raw.tags)
              ? raw.tags.filter((t): t is string => typeof t === 'string')
              : [],
          },
        ]
      : [],
  )
}

type ParsedSlo = z.infer<typeof sloInputSchema>

/**
 * @example
 * const errors: string[] = []
 * const slos = validateSlos(raw.slos, raw.checks, { target: 99.9, window: '30d' }, errors)
 */
export function validateSlos(
  rawSlos: unknown,
  rawChecks: unknown,
  projectSlo: SloConfig,
  errors: string[],
): SloDefinition[] {
  const checks = Array.isArray(rawChecks) ? writtenChecks(rawChecks) : []
  const ids = new Set(checks.map((check) => check.id))
  const fallback: Objective = {
    target: projectSlo.target,
    window: (SLO_WINDOWS as readonly string[]).includes(projectSlo.window)
      ? (projectSlo.window as SloWindow)
      : '30d',
  }
  const entries: { input: unknown; path: (string | number)[] }[] = []
  if (rawSlos !== undefined) {
    if (!Array.isArray(rawSlos)) {
      errors.push(
        "slos: expected a list of SLOs, e.g. slos: [slo('checkout', { checks: ['shop'] })]",
      )
    } else rawSlos.forEach((input, index) => entries.push({ input, path: ['slos', index] }))
  }
  if (Array.isArray(rawChecks)) {
    rawChecks.forEach((raw, index) => {
      if (!isRecord(raw) || raw.slo === undefined || typeof raw.id !== 'string') return
      const shorthand = typeof raw.slo === 'number' ? { target: raw.slo } : raw.slo
      const input = isRecord(shorthand)
        ? { ...shorthand, name: raw.id, checks: [raw.id] }
        : shorthand
      entries.push({ input, path: ['checks', index, 'slo'] })
    })
  }

  const slos: SloDefinition[] = []
  const names = new Map<string, string>()
  for (const { input, path } of entries) {
    const where = path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
      .join('')
      .slice(1)
    const parsed = sloInputSchema.safeParse(input)
    if (!parsed.success) {
      const fromShorthand = path[0] === 'checks'
      // A shorthand's name and checks are the check's own: report only what was written.
      const issues = fromShorthand
        ? parsed.error.issues.filter((issue) => !['name', 'checks'].includes(String(issue.path[0])))
        : parsed.error.issues
      errors.push(...issuesToErrors(issues, input, path))
      continue
    }
    const slo: ParsedSlo = parsed.data
    const earlier = names.get(slo.name)
    if (earlier) {
      errors.push(`${where}: an SLO named "${slo.name}" is already defined at ${earlier}`)
      continue
    }
    names.set(slo.name, where)
    const covered = new Set<string>()
    slo.checks?.forEach((id, position) => {
      if (ids.has(id)) covered.add(id)
      else errors.push(`${where}.checks[${position}]: no check with id "${id}"`)
    })
    if (slo.tags?.length) {
      const tagged = checks.filter((check) => check.tags.some((tag) => slo.tags!.includes(tag)))
      if (tagged.length === 0)
        errors.push(`${where}.tags: no check has the tag(s) ${slo.tags.join(', ')}`)
      for (const check of tagged) covered.add(check.id)
    }
    const objectives = slo.objectives ?? [
      { target: slo.target ?? fallback.target, window: slo.window ?? fallback.window },
    ]
    slos.push({
      name: slo.name,
      ...(slo.description === undefined ? {} : { description: slo.description }),
      checks: [...covered],
      objectives,
      sli: slo.sli,
      alerts: slo.alerts,
      source: where,
    })
  }
  return slos
}
