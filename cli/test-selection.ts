/**
 * Which checks `vantage test` runs: those that match `--grep` and `--region`, less
 * those that cannot run on this machine, which stay in the report as skipped with
 * the reason. It goes by `kind` against the runner registry, so a kind that gains a
 * runner is tested here without a change.
 */
import { runners } from '../checks/runners/index.ts'
import { regionsOf, type CheckSpec } from '../checks/spec.ts'
import { isHostKind } from '../checks/specs/host.ts'

export interface SelectionFilters {
  /** Matched against the id and the name. */
  grep?: RegExp
  /** Keeps checks whose `regions` include it. */
  region?: string
  /**
   * Run host checks on this machine too. Off by default: they watch the hosts they
   * select, and a CI runner or laptop is rarely one of them, so they would fail the gate.
   */
  includeHost?: boolean
}

export interface SkippedCheck {
  check: CheckSpec
  reason: string
}

export interface Selection {
  /** Matched and runnable here, in file order. */
  run: CheckSpec[]
  /** Matched, but not runnable here. */
  skipped: SkippedCheck[]
  /** How many checks the filters left out. */
  filteredOut: number
}

/** Kinds the hub evaluates itself: a heartbeat is a push the hub waits for, nothing to run. */
const HUB_SIDE_KINDS = new Set(['heartbeat'])

function matches(check: CheckSpec, filters: SelectionFilters): boolean {
  const { grep, region } = filters
  if (grep && !grep.test(check.id) && !(check.name !== undefined && grep.test(check.name))) {
    return false
  }
  return region === undefined || (regionsOf(check)?.includes(region) ?? false)
}

function skipReason(check: CheckSpec, registry: object, includeHost: boolean): string | undefined {
  if (isHostKind(check.kind) && !includeHost) {
    return `${check.kind} watches the probes it selects, not this machine; add --host to run it here`
  }
  if (HUB_SIDE_KINDS.has(check.kind)) {
    return `${check.kind} checks are pushed to the hub (/ping/{token}); nothing to run locally`
  }
  if (!Object.hasOwn(registry, check.kind)) {
    return `no local runner for "${check.kind}" checks; they run on the probes they select`
  }
  // A disabled check must not gate a deploy: it is often disabled because its target is not there.
  if (!check.enabled) return 'disabled (enabled: false)'
  return undefined
}

/**
 * Splits the checks of a monitors file into what to run, what to skip and why.
 * @example selectChecks(config.checks, { grep: /api/i, region: 'eu-west' })
 */
export function selectChecks(
  checks: readonly CheckSpec[],
  filters: SelectionFilters,
  registry: object = runners,
): Selection {
  const selection: Selection = { run: [], skipped: [], filteredOut: 0 }
  for (const check of checks) {
    if (!matches(check, filters)) {
      selection.filteredOut += 1
      continue
    }
    const reason = skipReason(check, registry, filters.includeHost ?? false)
    if (reason === undefined) selection.run.push(check)
    else selection.skipped.push({ check, reason })
  }
  return selection
}
