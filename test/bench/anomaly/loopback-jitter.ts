/**
 * Measured jitter: runs the real HTTP runner against a loopback target and keeps how
 * much each run took beyond the fastest one. That is the part of a probe's latency the
 * network does not explain (scheduling, the TCP and HTTP stacks), with its real tail.
 */
import { runCheck } from '../../../checks/run-check.ts'
import { httpSpecSchema } from '../../../checks/spec.ts'
import { startTargetServer } from '../../fixtures/target-server.ts'

/** Milliseconds above the fastest of `runs` loopback HTTP checks, one per run. */
export async function measureLoopbackJitter(runs: number): Promise<number[]> {
  const target = await startTargetServer()
  try {
    const spec = httpSpecSchema.parse({
      kind: 'http',
      id: 'jitter',
      url: `${target.url}/`,
      regions: ['loopback'],
      timeout: '5s',
    })
    const durations: number[] = []
    for (let i = 0; i < runs; i++) {
      const result = await runCheck(spec, {
        probeId: 'bench',
        region: 'loopback',
        configVersion: 'bench',
        scheduledAt: Date.now(),
        trigger: 'manual',
      })
      if (result.status === 'up') durations.push(result.durationMs)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const fastest = Math.min(...durations)
    return durations.map((ms) => ms - fastest)
  } finally {
    await target.close()
  }
}
