/**
 * Which checks of a bundle this probe schedules. Region checks: those of its region
 * (membership.ts then picks one live probe per region to run each). Host checks: those
 * whose `on` selector picks this probe by id or labels; every selected probe runs them,
 * because each watches its own machine.
 */
import type { ProbeCheck } from '../checks/bundle.ts'
import { regionsOf, selects } from '../checks/spec.ts'

export interface ProbeIdentity {
  probeId: string
  region: string
  labels: Record<string, string>
}

/**
 * True when `probe` should schedule `check`.
 * @example scheduledHere(readOnlyCheck, { probeId: 'app-1', region: 'eu-west', labels: { role: 'app' } })
 */
export function scheduledHere(check: ProbeCheck, probe: ProbeIdentity): boolean {
  const regions = regionsOf(check)
  // Host checks are matched by selector only: their kinds never go through region filtering.
  if (regions === null) return 'on' in check && selects(check.on, probe)
  return regions.includes(probe.region)
}
