import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkResultSchema } from '../result.ts'
import { pingSpecSchema, type PingSpec } from '../spec.ts'
import { pingAvailable, run } from './ping.ts'
import type { RunContext } from './types.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'

// Only loopback addresses are ever pinged here.
function spec(host: string, extra: Record<string, unknown> = {}): PingSpec {
  return pingSpecSchema.parse({
    kind: 'ping',
    id: 'loopback',
    host,
    count: 2,
    regions: ['local'],
    ...extra,
  })
}

function context(signal = new AbortController().signal): RunContext {
  return { signal, probeId: 'probe-1', region: 'local', now: () => Date.now() }
}

describe('ping runner with the system ping', () => {
  it('pings 127.0.0.1: up, with numeric metrics', async () => {
    const outcome = await run(spec('127.0.0.1'), context())
    expect(outcome.status).toBe('up')
    expect(outcome.error).toBeUndefined()
    expect(outcome.metrics?.lossPercent).toBe(0)
    for (const name of ['rttMinMs', 'rttAvgMs', 'rttMaxMs', 'rttStddevMs']) {
      expect(typeof outcome.metrics?.[name], name).toBe('number')
      expect(outcome.metrics?.[name]).toBeGreaterThanOrEqual(0)
    }
    expect(outcome.assertions).toEqual([
      { name: 'packet loss', ok: true, expected: '<= 0%', actual: '0%' },
    ])
    // The metrics are valid wire values (finite numbers).
    expect(checkResultSchema.shape.metrics.safeParse(outcome.metrics).success).toBe(true)
  })

  it('evaluates latency limits on the average RTT', async () => {
    // Any real round trip takes more than 0ms.
    const outcome = await run(spec('127.0.0.1', { expect: { failAbove: '0ms' } }), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('LATENCY')
    expect(outcome.assertions[1]).toMatchObject({ name: 'rtt avg', ok: false, expected: '<= 0ms' })
  })

  it('pings ::1 over IPv6 when asked, with the same metrics', async () => {
    const outcome = await run(spec('::1', { ipFamily: 6, interval: '200ms' }), context())
    expect(outcome.status).toBe('up')
    expect(outcome.metrics?.lossPercent).toBe(0)
    expect(typeof outcome.metrics?.rttStddevMs).toBe('number')
  })

  it('puts LANG back after ping 0.4 overwrote it', async () => {
    const before = process.env.LANG
    process.env.LANG = 'de_DE.UTF-8'
    try {
      await run(spec('127.0.0.1', { count: 1 }), context())
      expect(process.env.LANG).toBe('de_DE.UTF-8')
    } finally {
      if (before === undefined) delete process.env.LANG
      else process.env.LANG = before
    }
  })

  it('reports the capability when ping works', async () => {
    expect(await pingAvailable()).toBe(true)
  })

  it('returns promptly with TIMEOUT when the signal aborts', async () => {
    const controller = new AbortController()
    const pending = run(spec('127.0.0.1', { count: 5 }), context(controller.signal))
    controller.abort()
    expect((await pending).error?.code).toBe('TIMEOUT')
  })
})

describe('ping runner on a probe that cannot ping', () => {
  let dir: string
  let savedPath: string | undefined

  beforeEach(() => {
    dir = tempDir('vantage-ping-')
    savedPath = process.env.PATH
    process.env.PATH = dir
  })
  afterEach(() => {
    process.env.PATH = savedPath
  })

  /**
   * A stand-in for the system binary that prints what a real one prints in a given
   * situation, and records the arguments it was given in `args`.
   */
  function fakePing(lines: string[], exitCode: number): void {
    const quoted = lines.map((line) => `'${line}'`).join(' ')
    const record = `echo "$@" > '${join(dir, 'args')}'`
    writeFileSync(
      join(dir, 'ping'),
      `#!/bin/sh\n${record}\nprintf '%s\\n' ${quoted}\nexit ${exitCode}\n`,
    )
    chmodSync(join(dir, 'ping'), 0o755)
  }

  it('is inconclusive with CAPABILITY_MISSING when ping is not on PATH', async () => {
    const outcome = await run(spec('127.0.0.1'), context())
    expect(outcome.status).toBe('inconclusive')
    expect(outcome.error?.code).toBe('CAPABILITY_MISSING')
    expect(outcome.error?.message).toContain('not on PATH')
    expect(await pingAvailable()).toBe(false)
  })

  it('does not take a non-executable file for the binary', async () => {
    writeFileSync(join(dir, 'ping'), '#!/bin/sh\nexit 0\n')
    chmodSync(join(dir, 'ping'), 0o644)
    expect((await run(spec('127.0.0.1'), context())).error?.code).toBe('CAPABILITY_MISSING')
  })

  it('is inconclusive with CAPABILITY_MISSING when ping may not open an ICMP socket', async () => {
    fakePing(['ping: socktype: SOCK_RAW', 'ping: socket: Operation not permitted'], 2)
    const outcome = await run(spec('127.0.0.1'), context())
    expect(outcome.status).toBe('inconclusive')
    expect(outcome.error?.code).toBe('CAPABILITY_MISSING')
    expect(outcome.error?.message).toContain('Operation not permitted')
    expect(await pingAvailable()).toBe(false)
  })

  it('is down with PACKET_LOSS when replies are missing', async () => {
    fakePing(
      [
        'PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.',
        '64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.040 ms',
        '',
        '--- 127.0.0.1 ping statistics ---',
        '3 packets transmitted, 1 received, 66.6667% packet loss, time 2002ms',
        'rtt min/avg/max/mdev = 0.040/0.040/0.040/0.000 ms',
      ],
      1,
    )
    const outcome = await run(spec('127.0.0.1', { count: 3 }), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error).toEqual({
      code: 'PACKET_LOSS',
      message: 'packet loss 66.7%, expected <= 0%',
    })
    expect(outcome.metrics).toMatchObject({ lossPercent: 66.667, rttAvgMs: 0.04 })
  })

  it('passes the interval, the reply timeout and the IP version to ping', async () => {
    fakePing(
      [
        'PING ::1(::1) 56 data bytes',
        '64 bytes from ::1: icmp_seq=1 ttl=64 time=0.030 ms',
        '64 bytes from ::1: icmp_seq=2 ttl=64 time=0.050 ms',
        '',
        '--- ::1 ping statistics ---',
        '2 packets transmitted, 2 received, 0% packet loss, time 250ms',
        'rtt min/avg/max/mdev = 0.030/0.040/0.050/0.010 ms',
      ],
      0,
    )
    const outcome = await run(
      spec('::1', { interval: '250ms', packetTimeout: '1500ms', ipFamily: 6 }),
      context(),
    )
    expect(outcome.metrics).toEqual({
      lossPercent: 0,
      rttMinMs: 0.03,
      rttAvgMs: 0.04,
      rttMaxMs: 0.05,
      rttStddevMs: 0.01,
    })
    const args = readFileSync(join(dir, 'args'), 'utf8').trim().split(' ')
    expect(args.join(' ')).toMatch(/ -i 0\.25 -6 -- ::1$/)
    expect(args[args.indexOf('-W') + 1]).toBe('2')
    expect(args[args.indexOf('-c') + 1]).toBe('2')
  })

  it('is down with DNS_NXDOMAIN when the name has no address of the IP version asked', async () => {
    fakePing(['ping: gw.example.com: Address family for hostname not supported'], 2)
    const outcome = await run(spec('gw.example.com', { ipFamily: 6 }), context())
    expect(outcome.error?.code).toBe('DNS_NXDOMAIN')
  })

  it('is down with DNS_NXDOMAIN when the name does not resolve', async () => {
    fakePing(['ping: db.internal: Name or service not known'], 2)
    const outcome = await run(spec('127.0.0.1'), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error).toEqual({
      code: 'DNS_NXDOMAIN',
      message: 'ping: db.internal: Name or service not known',
    })
  })
})
