import { createSocket } from 'node:dgram'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDnsServer, type DnsServer } from '../../test/fixtures/dns-server.ts'
import { runCheck } from '../run-check.ts'
import { dnsSpecSchema, type DnsSpec } from '../spec.ts'
import { run } from './dns.ts'
import type { RunContext } from './types.ts'

function context(signal = new AbortController().signal): RunContext {
  return { signal, probeId: 'probe-1', region: 'local', now: () => Date.now() }
}

describe('dns runner against a real loopback DNS server', () => {
  let server: DnsServer
  // Every spec names the loopback server: without `server` the system resolver would be asked.
  const spec = (extra: Record<string, unknown>): DnsSpec =>
    dnsSpecSchema.parse({
      kind: 'dns',
      id: 'dns',
      regions: ['local'],
      server: server.address,
      ...extra,
    })

  beforeAll(async () => {
    server = await startDnsServer()
  })
  afterAll(async () => {
    await server.close()
  })

  it('is up on NOERROR with the lookup time and the answer count', async () => {
    const outcome = await run(spec({ name: 'api.vantage.test' }), context())
    expect(outcome.status).toBe('up')
    expect(outcome.error).toBeUndefined()
    expect(outcome.assertions).toEqual([
      { name: 'rcode', ok: true, expected: 'NOERROR', actual: 'NOERROR' },
    ])
    expect(outcome.metrics?.answers).toBe(2)
    expect(outcome.metrics?.lookupMs).toBeGreaterThanOrEqual(0)
  })

  it('gives a valid result through runCheck and the runner registry', async () => {
    const result = await runCheck(spec({ name: 'nope.vantage.test' }), {
      probeId: 'probe-1',
      region: 'local',
      configVersion: '1-test',
      scheduledAt: Date.now(),
      trigger: 'manual',
    })
    expect(result).toMatchObject({ kind: 'dns', status: 'down', error: { code: 'DNS_NXDOMAIN' } })
  })

  it.each([
    ['A', 'vantage.test', ['127.0.0.1']],
    ['AAAA', 'vantage.test', ['::1']],
    ['CNAME', 'www.vantage.test', ['api.vantage.test']],
    ['MX', 'vantage.test', ['10 mail.vantage.test', '20 mx2.vantage.test']],
    ['TXT', 'vantage.test', ['v=spf1 -all', 'part one, part two']],
    ['NS', 'vantage.test', ['ns2.vantage.test', 'ns1.vantage.test']],
    [
      'SOA',
      'vantage.test',
      ['ns1.vantage.test hostmaster.vantage.test 2024010101 7200 3600 1209600 300'],
    ],
  ])('reads %s records as text that equals the expectation', async (type, name, equals) => {
    const outcome = await run(spec({ name, type, expect: { answers: { equals } } }), context())
    expect(outcome.status).toBe('up')
    expect(outcome.assertions[1]).toMatchObject({ name: 'answers equal', ok: true })
    expect(outcome.metrics?.answers).toBe(equals.length)
  })

  it('compares names without case or trailing dot, and IPv6 in any spelling', async () => {
    const mx = await run(
      spec({
        name: 'vantage.test',
        type: 'MX',
        expect: { answers: { contains: '20 MX2.vantage.test.' } },
      }),
      context(),
    )
    expect(mx.status).toBe('up')
    const aaaa = await run(
      spec({ name: 'vantage.test', type: 'AAAA', expect: { answers: { equals: ['0:0::0:1'] } } }),
      context(),
    )
    expect(aaaa.status).toBe('up')
  })

  it('follows a CNAME to the addresses behind it', async () => {
    const outcome = await run(
      spec({
        name: 'www.vantage.test',
        expect: { answers: { equals: ['127.0.0.11', '127.0.0.10'] } },
      }),
      context(),
    )
    expect(outcome.status).toBe('up')
  })

  it('is down with ASSERTION_FAILED and both sides shown on a wrong answer', async () => {
    const outcome = await run(
      spec({ name: 'hijacked.vantage.test', expect: { answers: { equals: ['127.0.0.10'] } } }),
      context(),
    )
    expect(outcome.status).toBe('down')
    expect(outcome.error).toEqual({
      code: 'ASSERTION_FAILED',
      message: 'answers equal: expected 127.0.0.10, actual 127.0.0.66',
    })
    expect(outcome.assertions).toEqual([
      { name: 'rcode', ok: true, expected: 'NOERROR', actual: 'NOERROR' },
      { name: 'answers equal', ok: false, expected: '127.0.0.10', actual: '127.0.0.66' },
    ])
  })

  it('checks contains and matches against every answer', async () => {
    const outcome = await run(
      spec({
        name: 'vantage.test',
        type: 'TXT',
        expect: { answers: { contains: 'part one, part two', matches: '^v=spf1 ' } },
      }),
      context(),
    )
    expect(outcome.status).toBe('up')
    expect(outcome.assertions.slice(1)).toEqual([
      {
        name: 'answers contain',
        ok: true,
        expected: '"part one, part two"',
        actual: '"part one, part two", "v=spf1 -all"',
      },
      {
        name: 'answers match',
        ok: true,
        expected: '/^v=spf1 /',
        actual: '"part one, part two", "v=spf1 -all"',
      },
    ])

    const miss = await run(
      spec({ name: 'api.vantage.test', expect: { answers: { matches: '^10\\.' } } }),
      context(),
    )
    expect(miss.status).toBe('down')
    expect(miss.assertions[1]).toEqual({
      name: 'answers match',
      ok: false,
      expected: '/^10\\./',
      actual: '127.0.0.10, 127.0.0.11',
    })
  })

  it('is down with DNS_NXDOMAIN for a name that does not exist', async () => {
    const outcome = await run(spec({ name: 'nope.vantage.test' }), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('DNS_NXDOMAIN')
    expect(outcome.error?.message).toBe(
      `nope.vantage.test A got NXDOMAIN from ${server.address}, expected NOERROR`,
    )
    expect(outcome.assertions).toEqual([
      { name: 'rcode', ok: false, expected: 'NOERROR', actual: 'NXDOMAIN' },
    ])
    expect(outcome.metrics?.answers).toBe(0)
  })

  it('is up on NXDOMAIN when that is the expected rcode, and down when the name exists', async () => {
    const gone = await run(
      spec({ name: 'nope.vantage.test', expect: { rcode: 'NXDOMAIN' } }),
      context(),
    )
    expect(gone.status).toBe('up')
    expect(gone.error).toBeUndefined()

    const exists = await run(
      spec({ name: 'vantage.test', expect: { rcode: 'NXDOMAIN' } }),
      context(),
    )
    expect(exists.status).toBe('down')
    expect(exists.error?.code).toBe('ASSERTION_FAILED')
    expect(exists.assertions[0]).toEqual({
      name: 'rcode',
      ok: false,
      expected: 'NXDOMAIN',
      actual: 'NOERROR',
    })
  })

  it('is down with DNS_SERVFAIL and DNS_REFUSED on those rcodes', async () => {
    const servfail = await run(spec({ name: 'broken.vantage.test' }), context())
    expect(servfail.status).toBe('down')
    expect(servfail.error?.code).toBe('DNS_SERVFAIL')
    const refused = await run(spec({ name: 'refused.vantage.test' }), context())
    expect(refused.status).toBe('down')
    expect(refused.error?.code).toBe('DNS_REFUSED')
  })

  it('reports NOERROR without answers when the name has no record of the type', async () => {
    const outcome = await run(
      spec({ name: 'api.vantage.test', type: 'MX', expect: { answers: { contains: '10 x' } } }),
      context(),
    )
    expect(outcome.status).toBe('down')
    expect(outcome.assertions).toEqual([
      { name: 'rcode', ok: true, expected: 'NOERROR', actual: 'NOERROR' },
      { name: 'answers contain', ok: false, expected: '10 x', actual: '(none)' },
    ])
  })

  it('is down with DNS_TIMEOUT when the server never answers', async () => {
    // The runner gives up at its own deadline, 90% of the 1s timeout.
    const outcome = await run(spec({ name: 'silent.vantage.test', timeout: '1s' }), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('DNS_TIMEOUT')
    expect(outcome.error?.message).toContain(`no answer from ${server.address}`)
    expect(outcome.assertions).toEqual([])
  })

  it('stops with TIMEOUT when the run is aborted', async () => {
    const controller = new AbortController()
    const pending = run(spec({ name: 'silent.vantage.test' }), context(controller.signal))
    controller.abort()
    const outcome = await pending
    expect(outcome.error?.code).toBe('TIMEOUT')
  })

  it('sends a fresh query on every run, never a cached answer', async () => {
    const before = server.queries().filter((q) => q.name === 'vantage.test' && q.type === 'NS')
    await run(spec({ name: 'vantage.test', type: 'NS' }), context())
    await run(spec({ name: 'vantage.test', type: 'NS' }), context())
    const after = server.queries().filter((q) => q.name === 'vantage.test' && q.type === 'NS')
    expect(after.length - before.length).toBe(2)
  })

  it('is down with CONNECT_REFUSED when nothing listens on the server port', async () => {
    // A port that was free a moment ago: bound, then released.
    const probe = createSocket('udp4')
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    await new Promise<void>((resolve) => probe.close(resolve))
    const outcome = await run(
      spec({ name: 'vantage.test', server: `127.0.0.1:${port}`, timeout: '2s' }),
      context(),
    )
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('CONNECT_REFUSED')
  })
})

describe('dns runner against a DNS server on ::1', () => {
  let server: DnsServer

  beforeAll(async () => {
    server = await startDnsServer({ host: '::1' })
  })
  afterAll(async () => {
    await server.close()
  })

  it('queries an IPv6 server written as [::1]:port', async () => {
    expect(server.address).toBe(`[::1]:${server.port}`)
    const outcome = await run(
      dnsSpecSchema.parse({
        kind: 'dns',
        id: 'v6',
        regions: ['local'],
        name: 'vantage.test',
        server: server.address,
        expect: { answers: { equals: ['127.0.0.1'] } },
      }),
      context(),
    )
    expect(outcome.status).toBe('up')
  })
})
