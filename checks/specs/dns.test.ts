import { describe, expect, it } from 'vitest'
import { defineMonitoring, dns } from '../define.ts'
import { validateMonitoring } from '../validate.ts'
import { formatDnsServer, parseDnsServer } from './dns.ts'

function errorsOf(checks: unknown[]): string[] {
  const outcome = validateMonitoring({ defaults: { regions: ['eu-west'] }, checks })
  return outcome.ok ? [] : outcome.errors
}

describe('dns checks: validation', () => {
  it('accepts a full check and fills in the defaults', () => {
    const outcome = validateMonitoring(
      defineMonitoring({
        defaults: { regions: ['eu-west'] },
        checks: [
          dns('api-a', { name: 'api.example.com' }),
          dns('mail-mx', {
            name: '_dmarc.example.com.',
            type: 'TXT',
            server: '[2606:4700:4700::1111]:53',
            expect: { answers: { matches: '^v=DMARC1' }, failAbove: '2s' },
          }),
        ],
      }),
    )
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    expect(outcome.config.checks[0]).toMatchObject({
      kind: 'dns',
      type: 'A',
      expect: { rcode: 'NOERROR' },
    })
    expect(outcome.config.checks[1]).toMatchObject({ type: 'TXT', expect: { rcode: 'NOERROR' } })
  })

  it('reports a bad server, record type, rcode, name and regex with their paths', () => {
    const errors = errorsOf([
      dns('a', { name: 'api.example.com', server: 'dns.google:53' }),
      dns('b', { name: 'api.example.com', server: '1.1.1.1:99999' }),
      { ...dns('c', { name: 'api.example.com' }), type: 'PTR' },
      { ...dns('d', { name: 'api.example.com' }), expect: { rcode: 'NOPE' } },
      dns('e', { name: 'not a name' }),
      dns('f', { name: 'example.com', expect: { answers: { matches: '[' } } }),
      { ...dns('g', { name: 'example.com' }), expect: { answers: { startsWith: 'x' } } },
    ])
    expect(errors).toEqual([
      'checks[0].server: "dns.google:53" is not a resolver address (use an IP and an optional port, e.g. 1.1.1.1:53 or [2606:4700:4700::1111]:53)',
      'checks[1].server: "1.1.1.1:99999" is not a resolver address (use an IP and an optional port, e.g. 1.1.1.1:53 or [2606:4700:4700::1111]:53)',
      'checks[2].type: unknown record type "PTR" (expected one of A, AAAA, CNAME, MX, TXT, NS, SOA)',
      'checks[3].expect.rcode: unknown rcode "NOPE" (expected one of NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED)',
      'checks[4].name: must be a domain name, e.g. api.example.com',
      'checks[5].expect.answers.matches: "[" is not a valid regular expression (Unterminated character class)',
      'checks[6].expect.answers: unknown option "startsWith"',
    ])
  })
})

describe('parseDnsServer', () => {
  it.each([
    ['1.1.1.1', { host: '1.1.1.1', port: 53 }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['::1', { host: '::1', port: 53 }],
    ['[::1]', { host: '::1', port: 53 }],
    ['[2606:4700:4700::1111]:853', { host: '2606:4700:4700::1111', port: 853 }],
  ])('reads %s', (text, server) => {
    expect(parseDnsServer(text)).toEqual(server)
  })

  it.each([
    'dns.google',
    'dns.google:53',
    '1.1.1.1:0',
    '1.1.1.1:65536',
    '[1.1.1.1]:53',
    '300.1.1.1',
    '::1:53x',
    '',
  ])('rejects %j', (text) => {
    expect(parseDnsServer(text)).toBeUndefined()
  })

  it('formats an address the way Node resolvers take it', () => {
    expect(formatDnsServer({ host: '::1', port: 5353 })).toBe('[::1]:5353')
    expect(formatDnsServer({ host: '1.1.1.1', port: 53 })).toBe('1.1.1.1:53')
  })
})
