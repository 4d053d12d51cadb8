import { describe, expect, it } from 'vitest'
import { validateMonitoring } from '../checks/validate.ts'
import { planDeploy } from '../hub/config/deploy-plan.ts'
import { formatHistory, formatPlan } from './deploy-report.ts'

function config(input: Record<string, unknown>) {
  const outcome = validateMonitoring({ defaults: { regions: ['eu-west'] }, ...input })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config
}

const api = { kind: 'http', id: 'api', url: 'https://api.example.com/', expect: { status: 200 } }
const gw = { kind: 'ping', id: 'gw', host: '10.0.0.1' }
const db = { kind: 'tcp', id: 'db', host: 'db.internal', port: 5432 }

describe('formatPlan', () => {
  it('shows checks added, removed and changed with their fields, then channels', () => {
    const before = config({ checks: [api, gw, db] })
    const after = config({
      channels: [{ type: 'webhook', name: 'pager', url: 'https://pager.example.com/' }],
      checks: [{ ...api, every: '30s', expect: { status: [200, 204] } }, db, { ...gw, id: 'gw2' }],
    })
    expect(formatPlan(planDeploy(before, after))).toBe(
      [
        '  + gw2 (ping)',
        '  - gw (ping)',
        '  ~ api (http)',
        '      every: 1m → 30s',
        '      expect.status: 200 → [200, 204]',
        '  + channel pager (webhook)',
        '  - channel console (console)',
        '  1 check(s) unchanged',
        '',
      ].join('\n'),
    )
  })

  it('shows changed alerting settings as dotted paths', () => {
    const before = config({ checks: [api] })
    const after = config({
      alerting: { groupWait: '2s' },
      routes: [{ channels: ['console'], remindEvery: '30m' }],
      checks: [api],
    })
    expect(formatPlan(planDeploy(before, after))).toBe(
      [
        '  ~ alerting.groupWait: 5s → 2s',
        '  ~ routes: [] → [{ match: {}, channels: [console], notifyOnResolve: true, remindEvery: 30m, escalate: [] }]',
        '  1 check(s) unchanged',
        '',
      ].join('\n'),
    )
  })

  it('says when nothing changes', () => {
    const same = config({ checks: [api] })
    expect(formatPlan(planDeploy(same, same))).toBe('  no changes\n  1 check(s) unchanged\n')
  })
})

describe('formatHistory', () => {
  it('lines the deploys up in columns and marks the running one', () => {
    const at = Date.UTC(2026, 0, 2, 3, 4, 5)
    expect(
      formatHistory([
        { seq: 12, version: '12-3f9a0c1e', createdAt: at, source: 'ci', checks: 4, running: true },
        {
          seq: 3,
          version: '3-ab12cd34',
          createdAt: at,
          source: 'monitors.ts',
          checks: 12,
          running: false,
        },
      ]),
    ).toBe(
      [
        'SEQ  VERSION      DEPLOYED AT           CHECKS  SOURCE',
        '12   12-3f9a0c1e  2026-01-02T03:04:05Z  4       ci  (running)',
        '3    3-ab12cd34   2026-01-02T03:04:05Z  12      monitors.ts',
        '',
      ].join('\n'),
    )
    expect(formatHistory([])).toBe('no deploys yet\n')
  })
})
