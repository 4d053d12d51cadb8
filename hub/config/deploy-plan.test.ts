import { describe, expect, it } from 'vitest'
import { validateMonitoring, type MonitoringConfig } from '../../checks/validate.ts'
import { formatValue, isEmptyPlan, planDeploy } from './deploy-plan.ts'

function config(input: Record<string, unknown>): MonitoringConfig {
  const outcome = validateMonitoring({ defaults: { regions: ['eu-west'] }, ...input })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config
}

const api = { kind: 'http', id: 'api', url: 'https://api.example.com/health' }
const gateway = { kind: 'ping', id: 'gw', host: '10.0.0.1' }
const hook = { type: 'webhook', name: 'ops', url: 'https://hooks.example.com/a' }

describe('planDeploy', () => {
  it('lists every check as added on a first deploy', () => {
    const plan = planDeploy(undefined, config({ checks: [api, gateway] }))
    expect(plan.checks.added).toEqual([
      { id: 'api', kind: 'http' },
      { id: 'gw', kind: 'ping' },
    ])
    expect(plan.channels.added).toEqual([{ name: 'console', type: 'console' }])
    expect(plan.project).toBeNull()
  })

  it('is empty for the same config', () => {
    const before = config({ checks: [api, gateway] })
    const plan = planDeploy(before, config({ checks: [api, gateway] }))
    expect(isEmptyPlan(plan)).toBe(true)
    expect(plan.checks.unchanged).toBe(2)
  })

  it('names added, removed and changed checks, with each changed field as a dotted path', () => {
    const before = config({ checks: [{ ...api, expect: { status: 200 } }, gateway] })
    const after = config({
      defaults: { regions: ['eu-west', 'us-east'] },
      checks: [
        { ...api, every: '30s', expect: { status: [200, 204] } },
        { kind: 'tcp', id: 'smtp', host: 'mail.example.com', port: 25 },
      ],
    })
    const plan = planDeploy(before, after)
    expect(plan.checks.added).toEqual([{ id: 'smtp', kind: 'tcp' }])
    expect(plan.checks.removed).toEqual([{ id: 'gw', kind: 'ping' }])
    expect(plan.checks.changed).toEqual([
      {
        id: 'api',
        kind: 'http',
        fields: [
          { path: 'every', before: '1m', after: '30s' },
          { path: 'regions', before: '[eu-west]', after: '[eu-west, us-east]' },
          { path: 'expect.status', before: '200', after: '[200, 204]' },
        ],
      },
    ])
    expect(plan.checks.unchanged).toBe(0)
    expect(isEmptyPlan(plan)).toBe(false)
  })

  it('goes into lists of objects item by item, and shows fields that appear or go', () => {
    const json = (lessThan: number) => [
      { path: 'status', equals: 'ok' },
      { path: 'queue.depth', lessThan },
    ]
    const before = config({ checks: [{ ...api, expect: { json: json(100) } }] })
    const after = config({ checks: [{ ...api, name: 'API health', expect: { json: json(50) } }] })
    expect(planDeploy(before, after).checks.changed[0]!.fields).toEqual([
      { path: 'name', before: '(unset)', after: '"API health"' },
      { path: 'expect.json[1].lessThan', before: '100', after: '50' },
    ])
  })

  it('hides values that may be secrets, but says that they changed', () => {
    const before = config({
      checks: [{ ...api, headers: { 'x-api-key': 'one' }, auth: { bearer: 'first' } }],
    })
    const after = config({
      checks: [{ ...api, headers: { 'x-api-key': 'two' }, auth: { bearer: 'second' } }],
    })
    const fields = planDeploy(before, after).checks.changed[0]!.fields
    expect(fields).toEqual([
      { path: 'headers.x-api-key', before: '(secret)', after: '(secret)' },
      { path: 'auth.bearer', before: '(secret)', after: '(secret)' },
    ])
    expect(JSON.stringify(fields)).not.toMatch(/first|second|one|two/)
  })

  it('names channel changes without their URLs or headers', () => {
    const before = config({ channels: [{ type: 'console', name: 'console' }, hook], checks: [] })
    const after = config({
      channels: [
        { ...hook, url: 'https://hooks.example.com/b', headers: { authorization: 'Bearer x' } },
        { type: 'webhook', name: 'pager', url: 'https://pager.example.com/' },
      ],
      checks: [],
    })
    const plan = planDeploy(before, after)
    expect(plan.channels).toEqual({
      added: [{ name: 'pager', type: 'webhook' }],
      removed: [{ name: 'console', type: 'console' }],
      changed: [{ name: 'ops', type: 'webhook', fields: ['url', 'headers.authorization'] }],
      reordered: false,
    })
    expect(JSON.stringify(plan)).not.toContain('hooks.example.com')
  })

  it('names changed channel secrets without their values', () => {
    const secrets = (key: string) => ({
      channels: [
        { type: 'pagerduty', name: 'pd', routingKey: `rk-${key}` },
        { type: 'telegram', name: 'tg', botToken: `bot-${key}`, chatId: 1 },
        {
          type: 'email',
          name: 'mail',
          smtp: { host: 'smtp.example.com', port: 587, user: 'u', pass: `pass-${key}` },
          from: 'a@example.com',
          to: ['b@example.com'],
        },
        { ...hook, secret: `whsec-${key}` },
      ],
      checks: [],
    })
    const plan = planDeploy(config(secrets('old')), config(secrets('new')))
    expect(plan.channels.changed.map(({ name, fields }) => [name, fields])).toEqual([
      ['pd', ['routingKey']],
      ['tg', ['botToken']],
      ['mail', ['smtp.pass']],
      ['ops', ['secret']],
    ])
    expect(JSON.stringify(plan)).not.toMatch(/old|new/)
  })

  it('notices a new order and a new project name', () => {
    const before = config({ project: 'Acme', checks: [api, gateway] })
    const plan = planDeploy(before, config({ project: 'Acme EU', checks: [gateway, api] }))
    expect(plan.checks.reordered).toBe(true)
    expect(plan.project).toEqual({ before: 'Acme', after: 'Acme EU' })
    expect(
      planDeploy(before, config({ project: 'Acme', checks: [gateway] })).checks.reordered,
    ).toBe(false)
  })
})

describe('formatValue', () => {
  it('writes values as a person would', () => {
    expect(formatValue('30s')).toBe('30s')
    expect(formatValue('two words')).toBe('"two words"')
    expect(formatValue({ min: 200, max: 299 })).toBe('{ min: 200, max: 299 }')
    expect(formatValue(undefined)).toBe('(unset)')
    expect(formatValue('x'.repeat(500))).toHaveLength(120)
  })
})
