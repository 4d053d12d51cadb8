/** The browser runner's rules over attempts, with an engine that plays back outcomes. */
import { describe, expect, it } from 'vitest'
import type {
  BrowserAttemptOutcome,
  BrowserEngine,
  BrowserRunSpec,
  RunVerdict,
} from '../browser/engine.ts'
import { browserSpecSchema } from '../specs/browser.ts'
import { run } from './browser.ts'
import { runContext } from '../../test/fixtures/run-context.ts'

const script = { file: 'a.ts', code: 'x', sha256: 'a'.repeat(64) }
const spec = (props: Record<string, unknown> = {}) =>
  browserSpecSchema.parse({
    kind: 'browser',
    id: 'a',
    regions: ['r'],
    script,
    ...props,
  }) as BrowserRunSpec

function outcome(
  status: BrowserAttemptOutcome['status'],
  code?: string,
  lcp?: number,
): BrowserAttemptOutcome {
  return {
    status,
    ...(code ? { error: { code, message: `${code} happened` } } : {}),
    assertions: [],
    report: {
      steps: [],
      pages:
        lcp === undefined
          ? []
          : [{ url: 'http://x/', vitals: { lcp: { value: lcp, rating: 'good' } } }],
      console: { errors: 0, pageErrors: 0, first: [] },
      requests: { total: 3, failed: 0, firstFailed: [], transferBytes: 1_000 },
    },
  }
}

function engine(outcomes: BrowserAttemptOutcome[]) {
  const settled: RunVerdict[] = []
  /** Which attempts recorded a trace, in order. */
  const traced: boolean[] = []
  const reruns: Array<{ resultId: string; verdict: RunVerdict }> = []
  let attempts = 0
  const fake: BrowserEngine = {
    attempt: async (request) => {
      traced.push(request.trace)
      return outcomes[attempts++] ?? outcomes[outcomes.length - 1]!
    },
    settle: async (_id, verdict) => {
      settled.push(verdict)
      return verdict.keep ? [{ name: 'final.png', type: 'screenshot', bytes: 10 }] : []
    },
    traceRerun: ({ resultId, verdict }) => void reruns.push({ resultId, verdict }),
  }
  return { fake, settled, traced, reruns, attempts: () => attempts }
}

describe('the browser runner', () => {
  it('is inconclusive CAPABILITY_MISSING without a browser, never down', async () => {
    const result = await run(spec(), runContext())
    expect(result.status).toBe('inconclusive')
    expect(result.error?.code).toBe('CAPABILITY_MISSING')
  })

  it('is up after one passing attempt and keeps no artifacts', async () => {
    const { fake, settled } = engine([outcome('up', undefined, 900)])
    const result = await run(spec(), { ...runContext(), browser: fake })
    expect(result.status).toBe('up')
    expect(result.metrics).toMatchObject({ lcpMs: 900, attempts: 1, requests: 3 })
    expect(settled).toEqual([{ keep: false, status: 'up', errorCode: undefined }])
  })

  it('retries a failed attempt, and a pass on a retry is degraded', async () => {
    const { fake, settled, attempts } = engine([outcome('down', 'ASSERTION_FAILED'), outcome('up')])
    const result = await run(spec({ retries: 2 }), { ...runContext(), browser: fake })
    expect(attempts()).toBe(2)
    expect(result.status).toBe('degraded')
    expect(result.browser?.attempts).toBe(2)
    expect(result.assertions[0]).toEqual({
      name: 'passed without a retry',
      ok: false,
      expected: 'the first attempt to pass',
      actual:
        'passed on attempt 2; attempt 1 failed with ASSERTION_FAILED: ASSERTION_FAILED happened',
    })
    expect(settled[0]?.keep).toBe(true)
  })

  it('reports the last failure when every attempt fails', async () => {
    const { fake } = engine([outcome('down', 'TIMEOUT'), outcome('down', 'NAVIGATION_FAILED')])
    const result = await run(spec({ retries: 1 }), { ...runContext(), browser: fake })
    expect(result.status).toBe('down')
    expect(result.error?.code).toBe('NAVIGATION_FAILED')
    expect(result.browser?.artifacts).toEqual([
      { name: 'final.png', type: 'screenshot', bytes: 10 },
    ])
  })

  it('keeps a crash inconclusive', async () => {
    const { fake } = engine([outcome('inconclusive', 'BROWSER_CRASH')])
    const result = await run(spec(), { ...runContext(), browser: fake })
    expect(result.status).toBe('inconclusive')
    expect(result.error?.code).toBe('BROWSER_CRASH')
  })

  it('makes a blown budget degraded or down as the check says', async () => {
    const degraded = engine([outcome('up', undefined, 3_000)])
    const soft = await run(spec({ expect: { lcp: { below: '2.5s' } } }), {
      ...runContext(),
      browser: degraded.fake,
    })
    expect(soft.status).toBe('degraded')
    const down = engine([outcome('up', undefined, 3_000)])
    const hard = await run(spec({ expect: { lcp: { below: '2.5s', status: 'down' } } }), {
      ...runContext(),
      browser: down.fake,
    })
    expect(hard.status).toBe('down')
    expect(hard.error).toEqual({
      code: 'ASSERTION_FAILED',
      message: 'LCP budget: expected < 2.5s, got 3s',
    })
  })

  it("keeps every run's artifacts when the check asks, none when it says never", async () => {
    const always = engine([outcome('up')])
    await run(spec({ artifacts: { when: 'always' } }), { ...runContext(), browser: always.fake })
    expect(always.settled[0]?.keep).toBe(true)
    const never = engine([outcome('down', 'TIMEOUT')])
    await run(spec({ artifacts: { when: 'never' } }), { ...runContext(), browser: never.fake })
    expect(never.settled[0]?.keep).toBe(false)
  })

  describe("traces (artifacts.trace 'retry' by default)", () => {
    it('records none on a run that passes', async () => {
      const { fake, traced, reruns } = engine([outcome('up')])
      await run(spec(), { ...runContext(), browser: fake })
      expect(traced).toEqual([false])
      expect(reruns).toEqual([])
    })

    it('traces the first retry of a failed attempt, and re-runs for none then', async () => {
      const { fake, traced, reruns } = engine([
        outcome('down', 'TIMEOUT'),
        outcome('down', 'TIMEOUT'),
        outcome('down', 'TIMEOUT'),
      ])
      await run(spec({ retries: 2 }), { ...runContext(), browser: fake })
      expect(traced).toEqual([false, true, false])
      expect(reruns).toEqual([])
    })

    it('has a failed run without a retry re-run for its trace, after its result, with its verdict', async () => {
      const { fake, traced, reruns } = engine([outcome('down', 'ASSERTION_FAILED')])
      await run(spec(), { ...runContext(), browser: fake })
      expect(traced).toEqual([false])
      expect(reruns).toEqual([
        {
          resultId: expect.any(String),
          verdict: { keep: true, status: 'down', errorCode: 'ASSERTION_FAILED' },
        },
      ])
    })

    it('re-runs a run degraded by a budget, not an inconclusive one', async () => {
      const budget = engine([outcome('up', undefined, 3_000)])
      await run(spec({ expect: { lcp: { below: '2.5s' } } }), {
        ...runContext(),
        browser: budget.fake,
      })
      expect(budget.reruns).toHaveLength(1)
      const crash = engine([outcome('inconclusive', 'BROWSER_CRASH')])
      await run(spec(), { ...runContext(), browser: crash.fake })
      expect(crash.reruns).toEqual([])
    })

    it("traces every attempt with 'always', none with 'never' (or with no artifacts kept)", async () => {
      const always = engine([outcome('down', 'TIMEOUT'), outcome('up')])
      await run(spec({ retries: 1, artifacts: { trace: 'always' } }), {
        ...runContext(),
        browser: always.fake,
      })
      expect(always.traced).toEqual([true, true])
      expect(always.reruns).toEqual([])
      for (const artifacts of [{ trace: 'never' }, { trace: false }, { when: 'never' }]) {
        const none = engine([outcome('down', 'TIMEOUT'), outcome('down', 'TIMEOUT')])
        await run(spec({ retries: 1, artifacts }), { ...runContext(), browser: none.fake })
        expect(none.reruns).toEqual([])
        expect(none.traced).toEqual([false, false])
      }
    })
  })
})
