import { decodeTime } from 'ulid'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../lib/clock.ts'
import { startTargetServer, type TargetServer } from '../test/fixtures/target-server.ts'
import { checkResultSchema } from './result.ts'
import { runCheck, type RunCheckOptions } from './run-check.ts'
import { runners } from './runners/index.ts'
import type { RunnerRegistry } from './runners/types.ts'
import { checkSpecSchema, type CheckSpec } from './spec.ts'

const scheduledAt = Date.UTC(2026, 0, 1, 12, 0, 17)

function httpCheck(url: string, extra: Record<string, unknown> = {}): CheckSpec {
  return checkSpecSchema.parse({ kind: 'http', id: 'api', url, regions: ['local'], ...extra })
}

function options(extra: Partial<RunCheckOptions> = {}): RunCheckOptions {
  return {
    probeId: 'probe-1',
    region: 'local',
    configVersion: '3-abcdef12',
    scheduledAt,
    trigger: 'schedule',
    ...extra,
  }
}

/** The built-in registry with the http runner replaced. */
function withHttpRunner(http: RunnerRegistry['http']): RunnerRegistry {
  return { ...runners, http }
}

describe('runCheck', () => {
  let target: TargetServer

  beforeAll(async () => {
    target = await startTargetServer()
  })
  afterAll(async () => {
    await target.close()
  })
  beforeEach(async () => {
    await target.setMode('ok')
  })

  it('wraps a real run into a valid result stamped with the run facts', async () => {
    const clock = new ManualClock(scheduledAt + 5)
    const result = await runCheck(httpCheck(`${target.url}/`), options({ now: () => clock.now() }))
    expect(checkResultSchema.safeParse(result).success).toBe(true)
    expect(result).toMatchObject({
      checkId: 'api',
      kind: 'http',
      configVersion: '3-abcdef12',
      probeId: 'probe-1',
      region: 'local',
      scheduledAt,
      startedAt: scheduledAt + 5,
      status: 'up',
      trigger: 'schedule',
      metrics: { httpStatus: 200, responseBytes: 2 },
    })
    expect(decodeTime(result.id)).toBe(scheduledAt + 5)
    expect(result.durationMs).toBeGreaterThanOrEqual(0)
  })

  it('gives every run its own id', async () => {
    const first = await runCheck(httpCheck(`${target.url}/`), options())
    const second = await runCheck(httpCheck(`${target.url}/`), options())
    expect(first.id).not.toBe(second.id)
  })

  it('is down with TIMEOUT when the target hangs past the timeout', async () => {
    await target.setMode('hang')
    const result = await runCheck(httpCheck(`${target.url}/`, { timeout: '200ms' }), options())
    expect(checkResultSchema.safeParse(result).success).toBe(true)
    expect(result.status).toBe('down')
    expect(result.error).toEqual({ code: 'TIMEOUT', message: 'no result within the 200ms timeout' })
  })

  it('returns at the timeout even when the runner ignores the signal', async () => {
    let signal: AbortSignal | undefined
    const ignoresSignal = withHttpRunner((_spec, ctx) => {
      signal = ctx.signal
      return new Promise(() => {})
    })
    const result = await runCheck(
      httpCheck(`${target.url}/`, { timeout: '100ms' }),
      options({ runners: ignoresSignal }),
    )
    expect(result.status).toBe('down')
    expect(result.error?.code).toBe('TIMEOUT')
    expect(signal?.aborted).toBe(true)
  })

  it('turns a thrown runner error into inconclusive RUNNER_BUG', async () => {
    const throws = withHttpRunner(async () => {
      throw new TypeError('cannot read properties of undefined')
    })
    const result = await runCheck(httpCheck(`${target.url}/`), options({ runners: throws }))
    expect(checkResultSchema.safeParse(result).success).toBe(true)
    expect(result.status).toBe('inconclusive')
    expect(result.error).toEqual({
      code: 'RUNNER_BUG',
      message: 'http runner threw TypeError: cannot read properties of undefined',
    })
  })

  it('treats a synchronous throw the same way', async () => {
    const throwsSync = withHttpRunner(() => {
      throw new Error('sync boom')
    })
    const result = await runCheck(httpCheck(`${target.url}/`), options({ runners: throwsSync }))
    expect(result.error?.code).toBe('RUNNER_BUG')
  })

  it('turns an invalid runner outcome into inconclusive RUNNER_BUG, still a valid result', async () => {
    const returnsNaN = withHttpRunner(async () => ({
      status: 'up',
      assertions: [],
      metrics: { httpStatus: Number.NaN },
    }))
    const result = await runCheck(httpCheck(`${target.url}/`), options({ runners: returnsNaN }))
    expect(checkResultSchema.safeParse(result).success).toBe(true)
    expect(result.status).toBe('inconclusive')
    expect(result.error?.code).toBe('RUNNER_BUG')
    expect(result.error?.message).toContain('metrics.httpStatus')
  })

  it('accepts the probe form of a check, without notify', async () => {
    const { notify: _notify, ...probeCheck } = httpCheck(`${target.url}/`, { notify: ['ops'] })
    const result = await runCheck(probeCheck, options({ trigger: 'confirm' }))
    expect(result.status).toBe('up')
    expect(result.trigger).toBe('confirm')
  })
})
