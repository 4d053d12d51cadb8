import { describe, expect, it } from 'vitest'
import {
  applyShouldFail,
  assertCertDays,
  assertLatency,
  assertPacketLoss,
  assertStatus,
  formatMs,
  statusFromAssertions,
  type Verdict,
} from './assertions.ts'

describe('assertStatus', () => {
  it('records a range with expected and actual values', () => {
    expect(assertStatus(503, { min: 200, max: 399 })).toEqual({
      name: 'status',
      ok: false,
      expected: '200..399',
      actual: '503',
    })
    expect(assertStatus(399, { min: 200, max: 399 }).ok).toBe(true)
    expect(assertStatus(200, { min: 200, max: 399 }).ok).toBe(true)
  })

  it('accepts a single code', () => {
    expect(assertStatus(200, 200)).toEqual({
      name: 'status',
      ok: true,
      expected: '200',
      actual: '200',
    })
    expect(assertStatus(204, 200).ok).toBe(false)
  })

  it('accepts a list of codes', () => {
    expect(assertStatus(204, [200, 204])).toEqual({
      name: 'status',
      ok: true,
      expected: 'one of 200, 204',
      actual: '204',
    })
    expect(assertStatus(201, [200, 204]).ok).toBe(false)
  })
})

describe('assertLatency', () => {
  it('gives no assertions and up without limits', () => {
    expect(assertLatency('response time', 10_000, {})).toEqual({ assertions: [], status: 'up' })
  })

  it('is degraded above degradedAbove and below failAbove', () => {
    expect(
      assertLatency('response time', 950, { degradedAbove: '800ms', failAbove: '5s' }),
    ).toEqual({
      status: 'degraded',
      assertions: [
        { name: 'response time (degraded)', ok: false, expected: '<= 800ms', actual: '950ms' },
        { name: 'response time', ok: true, expected: '<= 5s', actual: '950ms' },
      ],
    })
  })

  it('is down above failAbove', () => {
    const outcome = assertLatency('rtt avg', 6_200, { degradedAbove: '1s', failAbove: '5s' })
    expect(outcome.status).toBe('down')
    expect(outcome.assertions[1]).toEqual({
      name: 'rtt avg',
      ok: false,
      expected: '<= 5s',
      actual: '6.2s',
    })
  })

  it('passes at exactly the limit', () => {
    expect(assertLatency('response time', 800, { degradedAbove: '800ms' }).status).toBe('up')
  })
})

describe('assertPacketLoss', () => {
  it('records loss as a percentage', () => {
    expect(assertPacketLoss(100 / 3, 0)).toEqual({
      name: 'packet loss',
      ok: false,
      expected: '<= 0%',
      actual: '33.3%',
    })
    expect(assertPacketLoss(0, 0).ok).toBe(true)
    expect(assertPacketLoss(20, 25).ok).toBe(true)
  })
})

describe('statusFromAssertions', () => {
  it('is up when nothing failed', () => {
    expect(statusFromAssertions()).toBe('up')
    expect(
      statusFromAssertions(assertStatus(200, 200), assertLatency('t', 1, { failAbove: '1s' })),
    ).toBe('up')
  })

  it('lets the worst outcome win', () => {
    const degraded = assertLatency('t', 900, { degradedAbove: '800ms' })
    expect(statusFromAssertions(assertStatus(200, 200), degraded)).toBe('degraded')
    expect(statusFromAssertions(degraded, assertStatus(500, 200))).toBe('down')
    expect(statusFromAssertions(assertPacketLoss(50, 0))).toBe('down')
  })
})

describe('formatMs', () => {
  it('keeps the precision a person needs', () => {
    expect(formatMs(0.4213)).toBe('0.42ms')
    expect(formatMs(12.34)).toBe('12.3ms')
    expect(formatMs(950.4)).toBe('950ms')
    expect(formatMs(1_250)).toBe('1.25s')
    expect(formatMs(6_000)).toBe('6s')
  })
})

describe('assertCertDays', () => {
  it('is degraded, not down, below the days asked for', () => {
    expect(assertCertDays(3.46, 14)).toEqual({
      status: 'degraded',
      assertions: [{ name: 'certificate days left', ok: false, expected: '>= 14', actual: '3.5' }],
    })
    expect(assertCertDays(-2, 14).status).toBe('degraded')
    expect(assertCertDays(14, 14).status).toBe('up')
  })
})

describe('applyShouldFail', () => {
  const passed: Verdict = {
    status: 'up',
    assertions: [{ name: 'status', ok: true, expected: '200', actual: '200' }],
  }
  const failed = {
    status: 'down' as const,
    error: { code: 'ASSERTION_FAILED', message: 'body: expected contains "x", actual "y"' },
    assertions: [{ name: 'body', ok: false, expected: 'contains "x"', actual: '"y"' }],
  }

  it('turns a failure into up, keeping what failed', () => {
    expect(applyShouldFail(failed)).toEqual({
      status: 'up',
      assertions: [
        {
          name: 'should fail',
          ok: true,
          expected: 'the check to fail (shouldFail: true)',
          actual: 'it failed: ASSERTION_FAILED body: expected contains "x", actual "y"',
        },
        ...failed.assertions,
      ],
    })
  })

  it('turns a pass, degraded included, into down with ASSERTION_FAILED', () => {
    for (const verdict of [passed, { ...passed, status: 'degraded' as const }]) {
      const inverted = applyShouldFail(verdict)
      expect(inverted.status).toBe('down')
      expect(inverted.error?.code).toBe('ASSERTION_FAILED')
      expect(inverted.assertions[0]).toMatchObject({
        name: 'should fail',
        ok: false,
        actual: 'it passed',
      })
    }
  })

  it('names the failed assertion when there is no error', () => {
    const inverted = applyShouldFail({ status: 'down', assertions: failed.assertions })
    expect(inverted.assertions[0]?.actual).toBe(
      'it failed: body: expected contains "x", actual "y"',
    )
  })

  it('keeps timeouts and inconclusive runs as they are: they prove nothing', () => {
    const timeout = {
      status: 'down' as const,
      error: { code: 'TIMEOUT', message: 't' },
      assertions: [],
    }
    expect(applyShouldFail(timeout)).toBe(timeout)
    const bug = { status: 'inconclusive' as const, assertions: [] }
    expect(applyShouldFail(bug)).toBe(bug)
  })
})
