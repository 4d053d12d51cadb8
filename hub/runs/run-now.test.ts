import { describe, expect, it } from 'vitest'
import { validateMonitoring } from '../../checks/validate.ts'
import type { RunCommand } from '../../checks/wire.ts'
import { ManualClock } from '../../lib/clock.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import type { ProbeInfo } from '../probes/probe-info.ts'
import { RunError, RunNow } from './run-now.ts'
import { formatRunTable, runHeadline } from './run-table.ts'

const specs = (() => {
  const outcome = validateMonitoring({
    defaults: { regions: ['eu-west', 'us-east', 'ap-south'], timeout: '5s' },
    checks: [
      { kind: 'http', id: 'latte', url: 'https://latte.example.com/' },
      { kind: 'heartbeat', id: 'backup', every: '1d' },
    ],
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config.checks
})()

const probe = (
  probeId: string,
  region: string,
  state: ProbeInfo['state'] = 'online',
): ProbeInfo => ({
  probeId,
  region,
  state,
  labels: {},
  capabilities: [],
  version: '1',
  lastSeen: 0,
})

function setup() {
  const clock = new ManualClock()
  const sent: { probeId: string; command: RunCommand }[] = []
  let expire: (() => void) | undefined
  let waitedMs = 0
  const runNow = new RunNow({
    clock,
    check: (id) => specs.find((s) => s.id === id),
    probes: () => [
      probe('eu-west-1', 'eu-west'),
      probe('eu-west-2', 'eu-west'),
      probe('us-east-1', 'us-east'),
      probe('ap-south-1', 'ap-south', 'offline'),
    ],
    send: (probeId, command) => sent.push({ probeId, command }),
    timer: (ms, done) => {
      waitedMs = ms
      expire = done
      return () => (expire = undefined)
    },
  })
  return { clock, runNow, sent, expire: () => expire?.(), waited: () => waitedMs }
}

describe('run now', () => {
  it('asks every online probe of every region at once and reports each region', async () => {
    const { runNow, sent, clock } = setup()
    const report = runNow.run('latte')
    await Promise.resolve()
    expect(sent.map((s) => [s.probeId, s.command.trigger])).toEqual([
      ['eu-west-1', 'manual'],
      ['eu-west-2', 'manual'],
      ['us-east-1', 'manual'],
    ])
    clock.advance(800)
    runNow.observe([
      makeResult({
        checkId: 'latte',
        region: 'eu-west',
        probeId: 'eu-west-2',
        trigger: 'manual',
        durationMs: 182,
      }),
      // A scheduled run is no answer to a request.
      makeResult({
        checkId: 'latte',
        region: 'us-east',
        probeId: 'us-east-1',
        trigger: 'schedule',
      }),
      makeResult({
        checkId: 'latte',
        region: 'us-east',
        probeId: 'us-east-1',
        trigger: 'manual',
        status: 'down',
        durationMs: 5_000,
        error: { code: 'TIMEOUT', message: 'no response within 5s' },
      }),
    ])
    const done = await report
    expect(done.rows.map((r) => [r.series, r.status, r.probeId])).toEqual([
      ['ap-south', 'no-probe', null],
      ['eu-west', 'up', 'eu-west-2'],
      ['us-east', 'down', 'us-east-1'],
    ])
    expect(runHeadline(done)).toBe('latte: 1 of 3 region(s) passed, in 800ms')
    expect(formatRunTable(done)).toBe(
      [
        'REGION    STATUS           LATENCY  PROBE      ERROR',
        'ap-south  no probe online  -        -',
        'eu-west   up               182ms    eu-west-2',
        'us-east   DOWN             5s       us-east-1  TIMEOUT: no response within 5s',
        '',
      ].join('\n'),
    )
  })

  it("waits no longer than the check's timeout and 2 s, then says who did not answer", async () => {
    const { runNow, expire, waited } = setup()
    const report = runNow.run('latte')
    await Promise.resolve()
    expect(waited()).toBe(7_000)
    expire()
    expect((await report).rows.map((r) => r.status)).toEqual(['no-probe', 'no-answer', 'no-answer'])
  })

  it('asks every online probe a host check selects, and reports each host', async () => {
    const outcome = validateMonitoring({
      checks: [{ kind: 'host.disk', id: 'disk', on: { labels: { role: 'db' } } }],
    })
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    const sent: string[] = []
    const clock = new ManualClock()
    const runNow = new RunNow({
      clock,
      check: () => outcome.config.checks[0],
      probes: () => [
        { ...probe('db-1', 'eu-west'), labels: { role: 'db' } },
        { ...probe('db-2', 'us-east'), labels: { role: 'db' } },
        probe('web-1', 'eu-west'),
      ],
      send: (probeId) => sent.push(probeId),
      timer: () => () => {},
    })
    const report = runNow.run('disk')
    await Promise.resolve()
    expect(sent).toEqual(['db-1', 'db-2'])
    runNow.observe([
      makeResult({
        checkId: 'disk',
        kind: 'host.disk',
        region: 'eu-west',
        probeId: 'db-1',
        trigger: 'manual',
      }),
      makeResult({
        checkId: 'disk',
        kind: 'host.disk',
        region: 'us-east',
        probeId: 'db-2',
        trigger: 'manual',
      }),
    ])
    const done = await report
    expect(formatRunTable(done).split('\n')[0]).toMatch(/^HOST\s+STATUS/)
    expect(done.rows.map((r) => [r.series, r.region, r.status])).toEqual([
      ['db-1', 'eu-west', 'up'],
      ['db-2', 'us-east', 'up'],
    ])
  })

  it('refuses a heartbeat and an unknown check', async () => {
    const { runNow } = setup()
    await expect(runNow.run('backup')).rejects.toBeInstanceOf(RunError)
    await expect(runNow.run('nope')).rejects.toMatchObject({ reason: 'unknown' })
  })
})
