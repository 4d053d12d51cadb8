/**
 * bench:status's monitoring config: CHECKS HTTP checks in three regions and three status
 * pages over them: `page-20` (the home page, 20 components of CHECKS / 20 checks each,
 * two groups), `page-200` (200 components) and `all` (a component per check, as the page
 * a monitors file without `statusPages` gets).
 */
import { validateMonitoring, type MonitoringConfig } from '../../../checks/validate.ts'
import { checkIdOf } from '../history/sim-results.ts'

export const REGIONS = ['eu-west', 'us-east', 'ap-south']
/** The instant the seeded history ends: the benchmark's clock starts here. */
export const NOW = Date.UTC(2026, 5, 1, 12, 0, 30)

function page(slug: string, checks: number, components: number, home = false) {
  const per = Math.max(1, Math.floor(checks / components))
  return {
    slug,
    title: `Bench ${components} components`,
    home,
    components: Array.from({ length: Math.min(components, checks) }, (_, c) => ({
      name: `Service ${c + 1}`,
      description: `Backed by ${per} checks`,
      checks: Array.from({ length: per }, (_, i) => checkIdOf(c * per + i)),
    })),
    groups: [
      { name: 'First group', components: ['service-1', 'service-2'] },
      { name: 'Second group', components: ['service-3'], collapsed: true },
    ],
  }
}

export function benchConfig(checks: number): MonitoringConfig {
  const outcome = validateMonitoring({
    project: 'Bench',
    defaults: { regions: REGIONS, every: '1m' },
    checks: Array.from({ length: checks }, (_, i) => ({
      kind: 'http',
      id: checkIdOf(i),
      url: `https://svc-${i}.example.com/health`,
      tags: [`team-${i % 10}`],
    })),
    statusPages: [
      page('page-20', checks, 20, true),
      page('page-200', checks, 200),
      {
        slug: 'all',
        title: 'Every check',
        components: Array.from({ length: checks }, (_, i) => ({
          name: `svc-${i}`,
          checks: [checkIdOf(i)],
        })),
      },
    ],
  })
  if (!outcome.ok) throw new Error(outcome.errors.slice(0, 5).join('\n'))
  return outcome.config
}
