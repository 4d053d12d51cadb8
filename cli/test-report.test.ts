import { describe, expect, it } from 'vitest'
import type { CheckResult } from '../checks/result.ts'
import { checkSpecSchema, type CheckSpec } from '../checks/spec.ts'
import {
  failureLines,
  formatReport,
  formatSummary,
  formatVerdict,
  tally,
  type ReportRow,
} from './test-report.ts'

function check(id: string): CheckSpec {
  return checkSpecSchema.parse({ kind: 'http', id, url: 'http://127.0.0.1:9/', regions: ['x'] })
}

function result(checkId: string, extra: Partial<CheckResult>): CheckResult {
  return {
    id: '01J00000000000000000000000',
    checkId,
    kind: 'http',
    configVersion: 'local',
    probeId: 'local',
    region: 'local',
    scheduledAt: 0,
    startedAt: 0,
    durationMs: 12.3,
    status: 'up',
    assertions: [],
    trigger: 'manual',
    ...extra,
  }
}

const up: ReportRow = {
  check: check('home'),
  result: result('home', { phases: { connectMs: 0.5, ttfbMs: 10, transferMs: 0.2 } }),
}
const down: ReportRow = {
  check: check('api'),
  result: result('api', {
    status: 'down',
    durationMs: 1_250,
    assertions: [
      { name: 'status', ok: false, expected: '200', actual: '500' },
      { name: 'response time', ok: true, expected: '<= 5s', actual: '1.25s' },
    ],
    error: { code: 'HTTP_STATUS', message: 'status 500, expected 200' },
  }),
}
const skipped: ReportRow = { check: check('beat'), skipped: 'nothing to run locally' }

describe('test report', () => {
  it('lists every failed assertion as expected/got, then the error code', () => {
    expect(failureLines(down.result)).toEqual([
      '✗ status: expected 200, got 500',
      'HTTP_STATUS: status 500, expected 200',
    ])
    expect(failureLines(up.result)).toEqual([])
  })

  it('prints a table with phase columns only for phases that were measured', () => {
    const text = formatReport([up, down, skipped], { colors: false, elapsedMs: 1_300 })
    const lines = text.split('\n')
    expect(lines[0]).toMatch(/^STATUS\s+CHECK\s+KIND\s+DURATION\s+CONNECT\s+TTFB\s+TRANSFER$/)
    expect(lines[1]).toMatch(/^up\s+home\s+http\s+12\.3ms\s+0\.5ms\s+10ms\s+0\.2ms$/)
    expect(lines[2]).toMatch(/^down\s+api\s+http\s+1\.25s\s+-\s+-\s+-$/)
    expect(lines[3]).toBe('    ✗ status: expected 200, got 500')
    expect(lines[4]).toBe('    HTTP_STATUS: status 500, expected 200')
    expect(lines[5]).toMatch(/^skipped\s+beat\s+http/)
    expect(lines[6]).toBe('    skipped: nothing to run locally')
    expect(text).toContain('1 up, 0 degraded, 1 down, 0 inconclusive, 1 skipped in 1.3s')
    expect(text).toContain('FAIL: 1 check(s) down')
    expect(text).not.toContain('\x1b[')
  })

  it('colours only when asked', () => {
    expect(formatReport([up], { colors: true, elapsedMs: 1 })).toContain('\x1b[32mup')
  })

  it('says that degraded and inconclusive results do not fail the run', () => {
    const counts = { up: 3, degraded: 1, down: 0, inconclusive: 1, skipped: 0 }
    expect(formatSummary(counts)).toBe('3 up, 1 degraded, 0 down, 1 inconclusive')
    expect(formatVerdict(counts)).toBe(
      'PASS: no check down (1 degraded and 1 inconclusive do not fail the run)',
    )
    expect(formatVerdict(tally([up]))).toBe('PASS: no check down')
  })
})
