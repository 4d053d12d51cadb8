/**
 * Synthetic results and outages for the history benchmarks: shaped like a real HTTP
 * check's (phases, one assertion, an error when down), on a seeded random source.
 */
import type { CheckResult } from '../../../checks/result.ts'
import { ulid } from '../../../lib/ulid.ts'

export function checkIdOf(i: number): string {
  return `check-${String(i).padStart(4, '0')}`
}

/** A result as a probe in `region` sends it. */
export function benchResult(
  checkId: string,
  region: string,
  scheduledAt: number,
  down: boolean,
  latency: number,
): CheckResult {
  return {
    id: ulid(scheduledAt),
    checkId,
    kind: 'http',
    configVersion: '7-ab12cd34',
    probeId: `${region}-1`,
    region,
    scheduledAt,
    startedAt: scheduledAt + 2,
    durationMs: latency,
    status: down ? 'down' : 'up',
    ...(down ? { error: { code: 'HTTP_STATUS', message: 'status 503, expected 200..399' } } : {}),
    phases: { dnsMs: 0.8, connectMs: 1.9, ttfbMs: latency - 4, transferMs: 0.4 },
    assertions: [{ name: 'status', ok: !down, expected: '200..399', actual: down ? '503' : '200' }],
    trigger: 'schedule',
  }
}

/** A seeded uniform random source in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 4_294_967_296
  }
}

/** A latency around `base` with a long tail. */
export function latencyOf(random: () => number, base: number): number {
  return (
    Math.round(
      (base * (0.8 + 0.4 * random()) + (random() < 0.02 ? base * 5 * random() : 0)) * 1000,
    ) / 1000
  )
}
