import { describe, expect, it } from 'vitest'
import { DEFAULT_ALERTING, matches } from './alerting.ts'
import { http } from './define.ts'
import { effectiveQuorum, resolveQuorum } from './spec.ts'
import { configOf, errorsOf } from './validate.fixture.ts'

const api = (id: string, props: Record<string, unknown> = {}) =>
  http(id, { url: 'https://api.example.com/health', ...props })
const REGIONS = ['eu-west', 'us-east', 'ap-south']

describe('quorum', () => {
  it('defaults to a majority of regions, but at least 2 when there are 2 or more', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => resolveQuorum(undefined, n))).toEqual([1, 2, 2, 3, 3, 4])
  })

  it('takes a count (capped at the regions) or a share rounded up', () => {
    expect(resolveQuorum(1, 3)).toBe(1)
    expect(resolveQuorum(5, 3)).toBe(3)
    expect(resolveQuorum('50%', 3)).toBe(2)
    expect(resolveQuorum('34%', 3)).toBe(2)
    expect(resolveQuorum('33%', 3)).toBe(1)
    expect(resolveQuorum('100%', 4)).toBe(4)
    expect(resolveQuorum('0%', 4)).toBe(1)
  })

  it('accepts "60%" in a check and rejects other strings with the path', () => {
    const config = configOf({
      defaults: { regions: REGIONS },
      checks: [api('a', { alert: { quorum: '60%' } })],
    })
    expect(effectiveQuorum(config.checks[0]!)).toBe(2)
    const errors = errorsOf({
      defaults: { regions: REGIONS },
      checks: [api('a', { alert: { quorum: 'most' } })],
    })
    expect(errors.join('\n')).toContain('checks[0].alert.quorum')
  })
})

describe('alerting, routes, maintenance and slo', () => {
  it('fills defaults when the file says nothing', () => {
    const config = configOf({ defaults: { regions: REGIONS }, checks: [api('a')] })
    expect(config.alerting).toEqual(DEFAULT_ALERTING)
    expect(config.alerting).toMatchObject({
      groupWait: '5s',
      flapping: { low: 20, high: 30 },
      regionLoss: { share: 0.5, minChecks: 3 },
    })
    expect(config.routes).toEqual([])
    expect(config.maintenance).toEqual([])
    expect(config.slo).toEqual({ target: 99.9, window: '30d' })
    expect(config.checks[0]!.alert.pageOnDegraded).toBe(false)
  })

  it('takes routes with reminders and escalation levels', () => {
    const config = configOf({
      defaults: { regions: REGIONS },
      channels: [
        { type: 'console', name: 'console' },
        { type: 'webhook', name: 'pager', url: 'https://pager.example.com/hook' },
      ],
      routes: [
        {
          match: { tags: ['payments'] },
          channels: ['console'],
          remindEvery: '30m',
          escalate: [{ after: '10m', channels: ['pager'] }],
        },
      ],
      checks: [api('a', { tags: ['payments'] })],
    })
    expect(config.routes![0]).toMatchObject({ notifyOnResolve: true, remindEvery: '30m' })
  })

  it('names every unknown channel in routes, escalation levels and alerting.notify', () => {
    const errors = errorsOf({
      defaults: { regions: REGIONS },
      alerting: { notify: ['nope'] },
      routes: [{ channels: ['console', 'ghost'], escalate: [{ after: '10m', channels: ['pd'] }] }],
      checks: [api('a')],
    })
    expect(errors).toEqual([
      'routes[0].channels[1]: no channel named "ghost"',
      'routes[0].escalate[0].channels[0]: no channel named "pd"',
      'alerting.notify[0]: no channel named "nope"',
    ])
  })

  it('keeps tickets away from channels that page', () => {
    const channels = [
      { type: 'console' as const, name: 'console' },
      { type: 'pagerduty' as const, name: 'oncall', routingKey: 'key' },
    ]
    const errors = errorsOf({
      defaults: { regions: REGIONS },
      channels,
      routes: [{ channels: ['console', 'oncall'], tickets: true }],
      checks: [api('a')],
    })
    expect(errors).toEqual([
      'routes[0].channels[1]: "oncall" is a pagerduty channel, which pages; a route with tickets: true takes only channels that do not',
    ])
    const config = configOf({
      defaults: { regions: REGIONS },
      channels,
      routes: [{ channels: ['oncall'] }, { channels: ['console'], tickets: true }],
      checks: [api('a')],
    })
    expect(config.routes![1]).toMatchObject({ tickets: true })
  })

  it('rejects flap thresholds in the wrong order and a window without an end', () => {
    const errors = errorsOf({
      defaults: { regions: REGIONS },
      alerting: { flapping: { low: 40, high: 30 } },
      maintenance: [{ match: { tags: ['db'] }, start: '2026-11-21T02:00:00Z' }],
      checks: [api('a')],
    })
    expect(errors).toEqual([
      'alerting.flapping: low must be below high',
      'maintenance[0]: give either start and end, or cron and duration',
    ])
  })

  it('accepts one-off and recurring maintenance windows', () => {
    const config = configOf({
      defaults: { regions: REGIONS },
      maintenance: [
        { match: { checks: ['a'] }, start: '2026-11-21T02:00:00Z', end: '2026-11-21T03:00:00Z' },
        { match: { tags: ['db'] }, cron: '0 2 * * 0', duration: '1h', reason: 'vacuum' },
      ],
      checks: [api('a')],
    })
    expect(config.maintenance).toHaveLength(2)
  })
})

describe('dependsOn and remediate', () => {
  it('reports unknown, self and cyclic dependencies', () => {
    const errors = errorsOf({
      defaults: { regions: REGIONS },
      checks: [
        api('a', { dependsOn: ['b'] }),
        api('b', { dependsOn: ['a'] }),
        api('c', { dependsOn: ['c', 'ghost'] }),
      ],
    })
    expect(errors).toEqual([
      'checks[2].dependsOn[0]: a check cannot depend on itself',
      'checks[2].dependsOn[1]: no check with id "ghost"',
      'checks[0].dependsOn: dependency cycle a -> b -> a',
    ])
  })

  it('takes a webhook or a command action, never both, with defaults', () => {
    const config = configOf({
      defaults: { regions: REGIONS },
      checks: [api('a', { remediate: [{ command: 'restart-api' }] })],
    })
    expect(config.checks[0]!.remediate).toEqual([
      { command: 'restart-api', cooldown: '10m', maxAttempts: 3 },
    ])
    const errors = errorsOf({
      defaults: { regions: REGIONS },
      checks: [
        api('a', { remediate: [{ command: 'x', webhook: 'https://ops.example.com/hook' }] }),
        api('b', { remediate: [{ command: 'rm -rf /' }] }),
      ],
    })
    expect(errors).toEqual([
      'checks[0].remediate[0]: give exactly one of webhook or command',
      'checks[1].remediate[0].command: must be a command name like "restart-api"',
    ])
  })
})

describe('matches', () => {
  it('selects by id or by any tag; an empty matcher selects everything', () => {
    const check = { id: 'api', tags: ['payments', 'eu'] }
    expect(matches({}, check)).toBe(true)
    expect(matches({ checks: ['api'] }, check)).toBe(true)
    expect(matches({ tags: ['eu'] }, check)).toBe(true)
    expect(matches({ checks: ['web'], tags: ['us'] }, check)).toBe(false)
  })
})
