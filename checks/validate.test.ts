import { describe, expect, it } from 'vitest'
import { channels, defineMonitoring, http, ping } from './define.ts'
import { effectiveQuorum } from './spec.ts'
import { formatPath } from './issue-text.ts'
import { configOf, errorsOf } from './validate.fixture.ts'

const api = (id = 'api', props: Record<string, unknown> = {}) =>
  http(id, { url: 'https://api.example.com/health', ...props })

describe('validateMonitoring: errors', () => {
  it('reports a bad duration with the path the user wrote', () => {
    const errors = errorsOf(
      defineMonitoring({
        defaults: { regions: ['eu-west'] },
        checks: [api('a'), api('b'), api('c', { every: '7x' })],
      }),
    )
    expect(errors).toEqual(['checks[2].every: "7x" is not a duration (use e.g. 30s, 5m, 1h)'])
  })

  it('collects every error in one pass instead of stopping at the first', () => {
    const errors = errorsOf({
      defaults: { regions: ['eu-west'] },
      checks: [api('a', { every: '7x' }), api('b', { timeout: 'soon' }), ping('c', { host: '' })],
    })
    expect(errors).toEqual([
      'checks[0].every: "7x" is not a duration (use e.g. 30s, 5m, 1h)',
      'checks[1].timeout: "soon" is not a duration (use e.g. 30s, 5m, 1h)',
      'checks[2].host: must not be empty',
    ])
  })

  it('names an unknown kind and the kinds there are', () => {
    const errors = errorsOf({ checks: [{ kind: 'smtp', id: 'mail' }] })
    expect(errors).toHaveLength(1)
    // Only the first kinds are spelled out: the list grows with every new kind.
    expect(errors[0]).toMatch(
      /^checks\[0\]\.kind: unknown kind "smtp" \(expected one of http, ping, tcp, dns\b.*\)$/,
    )
  })

  it('reports duplicate ids with the first use', () => {
    const errors = errorsOf({ defaults: { regions: ['eu-west'] }, checks: [api(), api()] })
    expect(errors).toEqual(['checks[1].id: duplicate id "api" (first used by checks[0])'])
  })

  it('reports a duplicate id even when the first check has errors of its own', () => {
    const errors = errorsOf({
      defaults: { regions: ['eu-west'] },
      checks: [api('api', { every: '7x' }), api()],
    })
    expect(errors).toContain('checks[1].id: duplicate id "api" (first used by checks[0])')
  })

  it('reports unknown options, at the check and inside it', () => {
    const errors = errorsOf({
      defaults: { regions: ['eu-west'] },
      checks: [
        { ...api(), retries: 3 },
        { ...ping('gw', { host: '127.0.0.1' }), expect: { status: 200 } },
      ],
    })
    expect(errors).toEqual([
      'checks[0]: unknown option "retries"',
      'checks[1].expect: unknown option "status"',
    ])
  })

  it('says how to fix missing or empty regions', () => {
    const errors = errorsOf({ checks: [api('a'), api('b', { regions: [] })] })
    expect(errors).toEqual([
      'checks[0].regions: no regions given (set regions on the check or defaults.regions)',
      'checks[1].regions: no regions given (set regions on the check or defaults.regions)',
    ])
  })

  it('reports a notify entry that names no channel', () => {
    const errors = errorsOf({
      defaults: { regions: ['eu-west'] },
      channels: [
        channels.console(),
        channels.webhook('ops', { url: 'https://hooks.example.com/x' }),
      ],
      checks: [api('api', { notify: ['ops', 'pager'] })],
    })
    expect(errors).toEqual(['checks[0].notify[1]: no channel named "pager"'])
  })

  it('reports a quorum larger than the regions', () => {
    const errors = errorsOf({
      checks: [api('api', { regions: ['eu-west', 'us-east'], alert: { quorum: 3 } })],
    })
    expect(errors).toEqual(["checks[0].alert.quorum: 3 is more than the check's 2 region(s)"])
  })

  it('reports a check that is not an object', () => {
    expect(errorsOf({ checks: ['api'] })).toEqual([
      "checks[0]: expected a check object, e.g. http('id', { url })",
    ])
  })

  it('reports project-level errors and still checks the checks', () => {
    const errors = errorsOf({
      defaults: { regions: ['eu-west'] },
      channels: [{ type: 'webhook', name: 'ops', url: 'ftp://hooks.example.com' }],
      checks: [api('api', { every: '7x', notify: ['ops'] })],
    })
    expect(errors).toEqual([
      'channels[0].url: must be an http:// or https:// URL',
      'checks[0].every: "7x" is not a duration (use e.g. 30s, 5m, 1h)',
    ])
  })

  it('reports broken defaults once, not once per check', () => {
    const errors = errorsOf({
      defaults: { every: '1q', colour: 'red' },
      checks: [api('a'), api('b')],
    })
    expect(errors).toEqual([
      'defaults.every: "1q" is not a duration (use e.g. 30s, 5m, 1h)',
      'defaults: unknown option "colour"',
    ])
  })

  it('reports duplicate channel names', () => {
    const errors = errorsOf({
      defaults: { regions: ['eu-west'] },
      channels: [channels.console('ops'), channels.console('ops')],
      checks: [],
    })
    expect(errors).toEqual(['channels[1].name: duplicate channel "ops"'])
  })

  it('accepts every channel type and fills their defaults', () => {
    const config = configOf({
      defaults: { regions: ['eu-west'] },
      channels: [
        channels.webhook('hook', { url: 'https://hooks.example.com/x', secret: 'whsec' }),
        channels.slack('slack', { webhookUrl: 'https://hooks.slack.com/services/T/B/x' }),
        channels.pagerduty('pd', { routingKey: 'rk' }),
        channels.email('mail', {
          smtp: { host: 'smtp.example.com', port: 587 },
          from: 'alerts@example.com',
          to: ['oncall@example.com'],
        }),
        channels.teams('teams', { webhookUrl: 'https://example.webhook.office.com/x' }),
        channels.opsgenie('genie', { apiKey: 'key' }),
        channels.telegram('tg', { botToken: '1:T', chatId: -100 }),
      ],
      checks: [api()],
    })
    expect(config.channels).toMatchObject([
      { type: 'webhook', headers: {}, secret: 'whsec' },
      { type: 'slack' },
      { type: 'pagerduty', url: 'https://events.pagerduty.com/v2/enqueue' },
      { type: 'email', smtp: { secure: false } },
      { type: 'teams' },
      { type: 'opsgenie', url: 'https://api.opsgenie.com' },
      { type: 'telegram', apiUrl: 'https://api.telegram.org' },
    ])
  })

  it('reports channel errors with their paths', () => {
    const errors = errorsOf({
      channels: [
        { type: 'sms', name: 'x' },
        { type: 'pagerduty', name: 'pd' },
        { type: 'email', name: 'mail', smtp: { host: 'h', port: 0 }, from: 'a@b.c', to: [] },
        { type: 'telegram', name: 'tg', botToken: '', chatId: 1, token: 'x' },
      ],
      checks: [],
    })
    expect(errors).toEqual([
      'channels[0].type: unknown channel type "sms" (expected one of console, webhook, slack, pagerduty, email, teams, opsgenie, telegram)',
      'channels[1].routingKey: expected an Events API v2 routing key',
      'channels[2].smtp.port: must be at least 1, got 0',
      'channels[2].to: list at least one recipient',
      'channels[3].botToken: a bot token is empty',
      'channels[3]: unknown option "token"',
    ])
  })

  it('rejects input that is not a project, saying what it got', () => {
    expect(errorsOf(null)).toEqual([
      '(root): the default export must be defineMonitoring({ checks: [...] }), got null',
    ])
    expect(errorsOf(undefined)).toEqual([
      '(root): the default export must be defineMonitoring({ checks: [...] }), got nothing',
    ])
    expect(errorsOf({ checks: 'api' })).toEqual(['checks: expected a list, got "api"'])
  })

  it('says how to start when there are no checks at all', () => {
    expect(errorsOf({})).toEqual([
      "checks: missing: list the checks to run, e.g. checks: [http('api', { url: 'https://api.example.com/health' })]",
    ])
  })

  it('explains a status expectation that is not one, with the value given', () => {
    expect(
      errorsOf({
        defaults: { regions: ['eu-west'] },
        checks: [{ ...api(), expect: { status: 'ok' } }],
      }),
    ).toEqual([
      'checks[0].expect.status: expected a status code (200), a list ([200, 204]) or a range ({ min: 200, max: 299 }), got "ok"',
    ])
  })

  it('says a channel option came out undefined, as an unset environment variable makes it', () => {
    expect(
      errorsOf({
        defaults: { regions: ['eu-west'] },
        channels: [{ type: 'webhook', name: 'ops', url: process.env.VANTAGE_SURELY_UNSET_URL }],
        checks: [api()],
      }),
    ).toEqual([
      'channels[0].url: must be an http:// or https:// URL, got undefined (read from an environment variable that is not set?)',
    ])
  })

  it('names a check that depends on a broken one by its own index, without a follow-on error', () => {
    expect(
      errorsOf({
        defaults: { regions: ['eu-west'] },
        checks: [
          { kind: 'http', id: 'bad', url: 'nope' },
          { ...api(), id: 'web', dependsOn: ['bad', 'ghost'] },
        ],
      }),
    ).toEqual([
      'checks[0].url: must be an http:// or https:// URL',
      'checks[1].dependsOn[1]: no check with id "ghost"',
    ])
  })
})

describe('validateMonitoring: defaults', () => {
  it('fills built-in defaults', () => {
    const config = configOf({ defaults: { regions: ['eu-west'] }, checks: [api()] })
    expect(config.project).toBe('Vantage')
    expect(config.channels).toEqual([{ type: 'console', name: 'console' }])
    expect(config.checks[0]).toMatchObject({
      every: '1m',
      timeout: '10s',
      method: 'GET',
      headers: {},
      tags: [],
      enabled: true,
      alert: { failAfter: 2, recoverAfter: 2 },
      expect: { status: { min: 200, max: 399 } },
    })
  })

  it('lets project defaults flow to checks, and a check own options win', () => {
    const config = configOf({
      defaults: {
        regions: ['eu-west', 'us-east', 'ap-south'],
        every: '30s',
        timeout: '5s',
        tags: ['prod'],
        alert: { failAfter: 3 },
      },
      checks: [
        api('inherits'),
        api('overrides', { every: '5m', regions: ['eu-west'], alert: { recoverAfter: 1 } }),
      ],
    })
    expect(config.checks[0]).toMatchObject({
      every: '30s',
      timeout: '5s',
      regions: ['eu-west', 'us-east', 'ap-south'],
      tags: ['prod'],
      alert: { failAfter: 3, recoverAfter: 2 },
    })
    expect(config.checks[1]).toMatchObject({
      every: '5m',
      timeout: '5s',
      regions: ['eu-west'],
      alert: { failAfter: 3, recoverAfter: 1 },
    })
  })

  it('defaults the quorum to min(2, regions)', () => {
    const config = configOf({
      checks: [
        api('three', { regions: ['eu-west', 'us-east', 'ap-south'] }),
        api('one', { regions: ['eu-west'] }),
        api('set', { regions: ['eu-west', 'us-east', 'ap-south'], alert: { quorum: 3 } }),
      ],
    })
    expect(config.checks[0]!.alert.quorum).toBeUndefined()
    expect(config.checks.map(effectiveQuorum)).toEqual([2, 1, 3])
  })
})

describe('formatPath', () => {
  it('writes paths the way the user wrote them', () => {
    expect(formatPath(['checks', 2, 'every'])).toBe('checks[2].every')
    expect(formatPath(['checks', 0, 'notify', 1])).toBe('checks[0].notify[1]')
    expect(formatPath([])).toBe('(root)')
  })
})
