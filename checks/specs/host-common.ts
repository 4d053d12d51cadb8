/**
 * What every host check shares. Host checks look at the machine a probe runs on, so
 * they do not run in regions: they run on every probe their `on` selector picks, and
 * each selected probe is its own series on the hub.
 */
import { z } from 'zod'
import type { AlertPolicy } from './common.ts'
import type { CommonCheckProps } from './common-props.ts'
import type { KindDefinition, KindFactory, KindSchema, PropsFitSchema } from './kind.ts'

export const NO_SELECTOR =
  "host checks need a selector: on: { labels: { role: 'app' } } or on: { probes: ['app-1'] }"

export const hostSelectorSchema = z
  .strictObject(
    {
      /** Probe ids that run the check. */
      probes: z.array(z.string().min(1)).optional(),
      /** Labels a probe must all carry to run the check (`--label role=app`). */
      labels: z.record(z.string().min(1), z.string()).optional(),
    },
    { error: (issue) => (issue.input === undefined ? NO_SELECTOR : undefined) },
  )
  .refine((on) => (on.probes?.length ?? 0) > 0 || Object.keys(on.labels ?? {}).length > 0, {
    error: 'select at least one probe id or one label, e.g. { labels: { role: "app" } }',
  })
export type HostSelector = z.infer<typeof hostSelectorSchema>

/** Spread into every host kind's schema beside `baseFields`. */
export const hostFields = { on: hostSelectorSchema }

/** Host checks name paths on the probe's machine; relative ones would depend on its cwd. */
export const absolutePathSchema = z
  .string()
  .refine((path) => path.startsWith('/') && !path.includes('\0'), {
    error: 'must be an absolute path, e.g. /var/lib/postgresql',
  })

export const percentSchema = z.number().min(0).max(100)

/** What a probe is known by when a selector is matched. */
export interface SelectableProbe {
  probeId: string
  labels: Record<string, string>
}

/**
 * True when `on` selects the probe: its id is listed in `probes`, or it carries every
 * label in `labels` (an OR of the two, so a check can name a labelled group plus a
 * few probes by id).
 * @example selects({ labels: { role: 'app' } }, { probeId: 'app-1', labels: { role: 'app' } }) // true
 */
export function selects(on: HostSelector, probe: SelectableProbe): boolean {
  if (on.probes?.includes(probe.probeId)) return true
  const wanted = Object.entries(on.labels ?? {})
  return wanted.length > 0 && wanted.every(([key, value]) => probe.labels[key] === value)
}

/** `role=app, probes app-1`: a selector in a few words, for targets and logs. */
export function describeSelector(on: HostSelector): string {
  const parts = Object.entries(on.labels ?? {}).map(([key, value]) => `${key}=${value}`)
  if (on.probes?.length) parts.push(`probes ${on.probes.join(', ')}`)
  return parts.join(', ')
}

/**
 * Which probes run a host check: a probe is selected when its id is listed in
 * `probes`, or when it carries every label in `labels`. At least one is required.
 */
export interface HostSelectorInput {
  /** Probe ids (`vantage probe --id`). @example ['db-1', 'db-2'] */
  probes?: string[]
  /** Labels a probe must all carry (`vantage probe --label role=app`). @example { role: 'app' } */
  labels?: Record<string, string>
}

/** Options every host check takes: the common ones without regions, plus `on`. */
export interface HostCheckProps extends Omit<CommonCheckProps, 'regions' | 'alert' | 'anomaly'> {
  /** Required: the probes that run the check, each judged on its own. @example { labels: { role: 'app' } } */
  on: HostSelectorInput
  /**
   * Per host: `failAfter` consecutive down results make it failing (default 2),
   * `recoverAfter` up results make it pass (default 2). There is no quorum: any failing
   * host makes the check DOWN.
   */
  alert?: Partial<Omit<AlertPolicy, 'quorum'>>
}

/** Declares a host kind: one that needs the `host` capability, which only Linux probes have. */
export function defineHostKind<S extends KindSchema, F extends KindFactory<z.output<S>['kind']>>(
  definition: Omit<KindDefinition<S, F>, 'capability'> & PropsFitSchema<S, F>,
): KindDefinition<S, F> & { capability: 'host' } {
  return { ...definition, capability: 'host' }
}
