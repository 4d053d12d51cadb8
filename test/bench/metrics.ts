/**
 * `npm run bench:metrics [-- CHECKS]`: how long the hub takes to render /metrics and how
 * large it is, at 10,000 checks × 3 regions by default (goal: under 1 s). The hub's real
 * Metrics, fed one result per check and region, rendered through the real route (Hono's
 * request path, the token check, the body) after a few warm-up scrapes, then again with
 * every tenth check opted into the latency histogram, and with every check opted in, to
 * show what the series budget saves. Prints wall time (p50, max) and CPU time per scrape,
 * which a busy shared machine inflates less. A report, not a gate.
 */
import { validateMonitoring } from '../../checks/validate.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import type { CheckResult } from '../../checks/result.ts'
import { metricsRoutes } from '../../hub/api/metrics-routes.ts'
import { Metrics } from '../../hub/metrics/metrics.ts'
import { makeResult } from '../fixtures/results.ts'

const CHECKS = Number(process.argv[2] ?? 10_000)
const REGIONS = ['eu-west', 'us-east', 'ap-south']
const SCRAPES = 10
const GOAL_MS = 1_000

function buildChecks(optIn: (index: number) => boolean): CheckSpec[] {
  const outcome = validateMonitoring({
    defaults: { regions: REGIONS, every: '1m' },
    checks: Array.from({ length: CHECKS }, (_, i) => ({
      kind: 'http',
      id: `check-${String(i).padStart(5, '0')}`,
      url: `https://service-${i}.example.com/health`,
      tags: [`team-${i % 20}`],
    })),
  })
  if (!outcome.ok) throw new Error(outcome.errors.slice(0, 5).join('\n'))
  return outcome.config.checks.map((spec, i) =>
    optIn(i) ? ({ ...spec, metrics: { latency: true } } as CheckSpec) : spec,
  )
}

function results(checks: CheckSpec[]): CheckResult[] {
  const at = Date.UTC(2026, 0, 1)
  return checks.flatMap((check, i) =>
    REGIONS.map((region, r) =>
      makeResult({
        checkId: check.id,
        region,
        probeId: `${region}-1`,
        scheduledAt: at,
        durationMs: 40 + ((i * 7 + r * 13) % 400),
        status: (i + r) % 97 === 0 ? 'down' : 'up',
        details: { certNotAfter: '2026-06-01T00:00:00.000Z' },
      }),
    ),
  )
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

async function scenario(
  name: string,
  optIn: (index: number) => boolean,
  goal: boolean,
): Promise<void> {
  const checks = buildChecks(optIn)
  const metrics = new Metrics({
    checks: () => checks,
    quorum: (checkId) => ({
      checkId,
      status: 'up',
      regions: {},
      failingRegions: [],
      since: null,
      incidentId: null,
    }),
    health: {
      ingest: () => ({
        batches: 0,
        results: CHECKS * 3,
        duplicates: 0,
        rejectedMessages: 0,
        rejectedResults: 0,
        inMaintenance: 0,
      }),
      channels: () => [],
      probes: () => [],
      configVersion: () => '1-bench',
      now: () => Date.now(),
    },
    tags: new Set(['team-1', 'team-2']),
  })
  const batch = results(checks)
  const observeStarted = performance.now()
  for (let i = 0; i < batch.length; i += 500) metrics.observe(batch.slice(i, i + 500))
  const observeMs = performance.now() - observeStarted

  const app = metricsRoutes({ metrics, metricsToken: 'bench' })
  const scrape = async () => {
    const started = performance.now()
    const response = await app.request('/metrics', {
      headers: { authorization: 'Bearer bench' },
    })
    const text = await response.text()
    return { ms: performance.now() - started, text }
  }
  for (let i = 0; i < 3; i += 1) await scrape()
  const times: number[] = []
  let last = ''
  const cpuBefore = process.cpuUsage()
  for (let i = 0; i < SCRAPES; i += 1) {
    const { ms, text } = await scrape()
    times.push(ms)
    last = text
  }
  const cpu = process.cpuUsage(cpuBefore)
  // On a shared machine wall time waits for a core; CPU time is what the scrape costs.
  const cpuMs = (cpu.user + cpu.system) / 1_000 / SCRAPES
  times.sort((a, b) => a - b)
  const lines = last.split('\n').filter((line) => line && !line.startsWith('#')).length
  const bytes = Buffer.byteLength(last)
  const p50 = percentile(times, 50)
  const max = times.at(-1)!
  console.log(
    `${name.padEnd(34)} ${lines.toLocaleString('en-US').padStart(9)} series  ` +
      `${(bytes / 1024 / 1024).toFixed(1).padStart(5)} MiB  ` +
      `render p50 ${p50.toFixed(0).padStart(4)} ms  max ${max.toFixed(0).padStart(4)} ms  ` +
      `cpu ${cpuMs.toFixed(0).padStart(4)} ms/scrape  ` +
      `(observe ${(batch.length / (observeMs / 1_000) / 1_000).toFixed(0)}k results/s)  ` +
      (goal ? (max < GOAL_MS ? 'goal met' : 'goal MISSED') : '(past the budget, no goal)'),
  )
}

console.log(
  `bench:metrics  ${CHECKS.toLocaleString('en-US')} checks × ${REGIONS.length} regions, ` +
    `${SCRAPES} scrapes each through GET /metrics (goal: under ${GOAL_MS} ms)`,
)
await scenario('default budget (5 series/region)', () => false, true)
await scenario('10 % opted into latency', (i) => i % 10 === 0, true)
await scenario('every check opted into latency', () => true, false)
console.log(
  `rss ${(process.memoryUsage.rss() / 1024 / 1024).toFixed(0)} MiB after the three scenarios`,
)
