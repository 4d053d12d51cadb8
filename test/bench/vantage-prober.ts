/** The bench's Vantage side: one HTTP check run through `runCheck`, as a probe runs it. */
import type { CheckResult } from '../../checks/result.ts'
import { runCheck } from '../../checks/run-check.ts'
import { httpSpecSchema } from '../../checks/spec.ts'
import type { Prober } from './prober.ts'

export interface VantageProber extends Prober {
  /** Runs whose result lacked connect or ttfb timings (should stay 0). */
  withoutPhases(): number
}

export function startVantageProber(url: string): VantageProber {
  const spec = httpSpecSchema.parse({
    kind: 'http',
    id: 'bench',
    url,
    regions: ['bench'],
    timeout: '5s',
    expect: { status: 200 },
  })
  let withoutPhases = 0
  return {
    async once() {
      const result: CheckResult = await runCheck(spec, {
        probeId: 'bench',
        region: 'bench',
        configVersion: 'bench',
        scheduledAt: Date.now(),
        trigger: 'manual',
      })
      if (result.phases?.connectMs === undefined || result.phases.ttfbMs === undefined) {
        withoutPhases += 1
      }
      return result.status === 'up'
    },
    cpuMs() {
      const usage = process.cpuUsage()
      return (usage.user + usage.system) / 1_000
    },
    withoutPhases: () => withoutPhases,
    close: async () => undefined,
  }
}
