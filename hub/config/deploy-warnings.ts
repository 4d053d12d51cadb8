/**
 * What a deploy plan warns about: parts of a valid config that would only fail when
 * they are needed, at 3 a.m. A region no live probe serves runs none of its checks, so
 * its outages are never seen (and a quorum may never be reached); a host check whose
 * selector matches no live probe runs nowhere; a remediation command the hub's
 * allow-list (`vantage hub --remediation`) does not name is skipped when the check goes
 * DOWN. Warnings never block a deploy: the probe may be starting, the allow-list
 * may follow. Pure: the hub passes what it knows.
 */
import { HUB_REGION, isHostKind, regionsOf, selects, describeSelector } from '../../checks/spec.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import type { MonitoringConfig } from '../../checks/validate.ts'
import { sloWarnings } from '../../checks/slo.ts'

/** A probe as the hub's registry knows it. */
export interface KnownProbe {
  probeId: string
  region: string
  state: 'online' | 'offline'
  labels: Record<string, string>
}

export interface DeployWarningContext {
  /** Every probe the hub has heard of, online or not. */
  probes: KnownProbe[]
  /** The command names of the hub's remediation allow-list; empty without `--remediation`. */
  remediationCommands: Iterable<string>
  /** A browser check's secret from the hub's environment. Default: `process.env`. */
  secret?: (name: string) => string | undefined
}

/** Names at most this many checks in one warning; the rest are counted. */
const MAX_NAMED = 5

function named(ids: string[]): string {
  const shown = ids.slice(0, MAX_NAMED).join(', ')
  return ids.length > MAX_NAMED ? `${shown} and ${ids.length - MAX_NAMED} more` : shown
}

function regionWarnings(checks: CheckSpec[], probes: KnownProbe[]): string[] {
  const byRegion = new Map<string, string[]>()
  for (const check of checks) {
    for (const region of regionsOf(check) ?? []) {
      if (region === HUB_REGION) continue
      byRegion.set(region, [...(byRegion.get(region) ?? []), check.id])
    }
  }
  const warnings: string[] = []
  for (const [region, ids] of byRegion) {
    const known = probes.filter((probe) => probe.region === region)
    if (known.some((probe) => probe.state === 'online')) continue
    const why =
      known.length === 0
        ? 'no probe of it has connected to this hub'
        : `its probe${known.length > 1 ? 's' : ''} ${named(known.map((p) => p.probeId))} ${known.length > 1 ? 'are' : 'is'} offline`
    warnings.push(
      `region "${region}" has no live probe (${why}): ${named(ids)} will not run there until one connects`,
    )
  }
  return warnings
}

function hostWarnings(checks: CheckSpec[], probes: KnownProbe[]): string[] {
  const live = probes.filter((probe) => probe.state === 'online')
  return checks.flatMap((check) => {
    if (!isHostKind(check.kind) || !('on' in check)) return []
    if (live.some((probe) => selects(check.on, probe))) return []
    return [
      `check "${check.id}" (${check.kind}) selects no live probe (${describeSelector(check.on)}): it runs nowhere until one matches`,
    ]
  })
}

function remediationWarnings(checks: CheckSpec[], allowed: Set<string>): string[] {
  return checks.flatMap((check) =>
    (check.remediate ?? []).flatMap((action, index) => {
      if (action.command === undefined || allowed.has(action.command)) return []
      const where =
        allowed.size === 0
          ? 'the hub has no allow-list (start it with --remediation FILE)'
          : "the hub's --remediation file does not list it"
      return [
        `check "${check.id}": remediate[${index}].command "${action.command}" will be skipped: ${where}`,
      ]
    }),
  )
}

function secretWarnings(
  checks: CheckSpec[],
  secret: (name: string) => string | undefined,
): string[] {
  return checks.flatMap((check) => {
    if (check.kind !== 'browser') return []
    const missing = check.secrets.filter((name) => secret(name) === undefined)
    if (missing.length === 0) return []
    return [
      `check "${check.id}": secret${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not set in the hub's environment: its script fails when it reads ${missing.length > 1 ? 'them' : 'it'}`,
    ]
  })
}

/**
 * The warnings for deploying `config` to a hub that knows `context`, in a stable order:
 * regions, host selectors, remediation commands, secrets, SLOs. Disabled checks are left out.
 * @example deployWarnings(config, { probes: registry.list(), remediationCommands: [] })
 * // ['region "ap-south" has no live probe (no probe of it has connected to this hub): api will not run there until one connects']
 */
export function deployWarnings(config: MonitoringConfig, context: DeployWarningContext): string[] {
  const checks = config.checks.filter((check) => check.enabled)
  return [
    ...regionWarnings(checks, context.probes),
    ...hostWarnings(checks, context.probes),
    ...remediationWarnings(checks, new Set(context.remediationCommands)),
    // Browser checks' secrets come from the hub's environment when it builds the bundle.
    ...secretWarnings(checks, context.secret ?? ((name) => process.env[name])),
    // SLOs that page on a bad minute or two page twice for a short outage.
    ...sloWarnings(config.slos ?? []),
  ]
}
