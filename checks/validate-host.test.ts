import { describe, expect, it } from 'vitest'
import { defineMonitoring, host } from './define.ts'
import { effectiveQuorum, isHostKind, regionsOf } from './spec.ts'
import { validateMonitoring } from './validate.ts'

const on = { labels: { role: 'app' } }

function errorsOf(checks: unknown[]): string[] {
  const outcome = validateMonitoring({ defaults: { regions: ['eu-west'] }, checks })
  return outcome.ok ? [] : outcome.errors
}

describe('host checks in a monitoring project', () => {
  it('validate with project defaults, without regions and with a quorum of 1', () => {
    const outcome = validateMonitoring(
      defineMonitoring({
        defaults: { regions: ['eu-west', 'us-east'], every: '30s', alert: { quorum: 2 } },
        checks: [
          host.readOnly('app-disks', { on }),
          host.disk('db-disk', { on: { probes: ['db-1'] }, expect: { fullWithin: '24h' } }),
          host.file('backup', { on, path: '/backups/*.tar.gz', maxAge: '26h', minSize: 1 }),
          host.process('workers', { on, match: 'sidekiq \\d+', min: 2, max: 4 }),
          host.systemd('nginx', { on, unit: 'nginx.service' }),
          host.port('pg', { on, port: 5432, address: '::1' }),
          host.command('load', { on, command: ['/usr/lib/nagios/plugins/check_load', '-w', '5'] }),
          host.command('queue', { on, shell: 'check_mailq | head -1' }),
        ],
      }),
    )
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    for (const check of outcome.config.checks) {
      expect(isHostKind(check.kind)).toBe(true)
      expect(check.every).toBe('30s')
      expect(regionsOf(check)).toBeNull()
      expect(check.alert.quorum).toBeUndefined()
      expect(effectiveQuorum(check)).toBe(1)
    }
    expect(outcome.config.checks[1]).toMatchObject({
      path: '/',
      expect: { degradedAbove: 85, failAbove: 95, fullWithin: '24h' },
      trendWindow: '6h',
    })
  })

  it('require a selector that selects something', () => {
    expect(
      errorsOf([
        { kind: 'host.readOnly', id: 'a' },
        { kind: 'host.readOnly', id: 'b', on: {} },
        { kind: 'host.readOnly', id: 'c', on: { probes: [], labels: {} } },
        { kind: 'host.readOnly', id: 'd', on: { region: 'eu-west' } },
      ]),
    ).toEqual([
      "checks[0].on: host checks need a selector: on: { labels: { role: 'app' } } or on: { probes: ['app-1'] }",
      'checks[1].on: select at least one probe id or one label, e.g. { labels: { role: "app" } }',
      'checks[2].on: select at least one probe id or one label, e.g. { labels: { role: "app" } }',
      'checks[3].on: unknown option "region"',
      'checks[3].on: select at least one probe id or one label, e.g. { labels: { role: "app" } }',
    ])
  })

  it('refuse regions and a quorum, which host checks do not have', () => {
    expect(
      errorsOf([
        { kind: 'host.disk', id: 'a', on, regions: ['eu-west'] },
        { kind: 'host.disk', id: 'b', on, alert: { quorum: 2 } },
      ]),
    ).toEqual([
      'checks[0].regions: host checks have no regions; they run on the probes that "on" selects',
      'checks[1].alert.quorum: host checks alert when any selected host fails; leave quorum out',
    ])
  })

  it('check regexes, paths and names', () => {
    const errors = errorsOf([
      { kind: 'host.process', id: 'a', on, match: 'worker(' },
      { kind: 'host.process', id: 'b', on },
      { kind: 'host.process', id: 'c', on, name: 'a-very-long-process-name', min: 3, max: 2 },
      { kind: 'host.disk', id: 'd', on, path: 'var/lib' },
      { kind: 'host.file', id: 'e', on, path: './backup.tar' },
      { kind: 'host.readOnly', id: 'f', on, include: ['data'], writeTimeout: '10s' },
      { kind: 'host.systemd', id: 'g', on, unit: '--now' },
      { kind: 'host.port', id: 'h', on, port: 70000, address: 'localhost' },
    ])
    expect(errors).toEqual([
      expect.stringMatching(/^checks\[0\]\.match: .*not a valid regular expression/),
      'checks[1].name: give name (the exact process name) or match (a regex over the command line)',
      'checks[2].name: Linux cuts process names to 15 characters; use match for longer names',
      'checks[2].max: must be at least min',
      'checks[3].path: must be an absolute path, e.g. /var/lib/postgresql',
      'checks[4].path: must be an absolute path, e.g. /var/lib/postgresql',
      'checks[5].include[0]: must be an absolute path, e.g. /var/lib/postgresql',
      'checks[5].writeTimeout: must be shorter than the check timeout, so a hung filesystem is named in the result',
      'checks[6].unit: must be a systemd unit name, e.g. nginx.service',
      expect.stringMatching(/^checks\[7\]\.port: /),
      'checks[7].address: must be an IPv4 or IPv6 address',
    ])
  })

  it('take either a command or a shell line', () => {
    expect(
      errorsOf([
        { kind: 'host.command', id: 'a', on },
        { kind: 'host.command', id: 'b', on, command: ['check_x'], shell: 'check_x' },
        { kind: 'host.command', id: 'c', on, command: [''] },
      ]),
    ).toEqual([
      "checks[0].command: give either command (['/usr/lib/nagios/plugins/check_load', '-w', '5']) or shell",
      "checks[1].command: give either command (['/usr/lib/nagios/plugins/check_load', '-w', '5']) or shell",
      'checks[2].command[0]: the program (first element) must not be empty',
    ])
  })
})
