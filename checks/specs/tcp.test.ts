import { describe, expect, it } from 'vitest'
import { defineMonitoring, tcp } from '../define.ts'
import { validateMonitoring } from '../validate.ts'
import { tcpTarget } from './tcp.ts'

function errorsOf(checks: unknown[]): string[] {
  const outcome = validateMonitoring({ defaults: { regions: ['eu-west'] }, checks })
  return outcome.ok ? [] : outcome.errors
}

describe('tcp checks: validation', () => {
  it('accepts a full check and fills in the defaults', () => {
    const outcome = validateMonitoring(
      defineMonitoring({
        defaults: { regions: ['eu-west'] },
        checks: [
          tcp('smtp', { host: 'mail.example.com', port: 25, expect: { banner: '220 ' } }),
          tcp('smtps', {
            host: 'mail.example.com',
            port: 465,
            tls: { servername: 'smtp.example.com' },
            send: 'QUIT\r\n',
            expect: { banner: { matches: '^220 ' }, degradedAbove: '500ms', failAbove: '3s' },
          }),
        ],
      }),
    )
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    const [plain, secure] = outcome.config.checks
    expect(plain).toMatchObject({ kind: 'tcp', tls: false, expect: { banner: '220 ' } })
    expect(secure).toMatchObject({ tls: { servername: 'smtp.example.com', insecure: false } })
  })

  it('reports a bad port, TLS option and banner with their paths', () => {
    expect(
      errorsOf([
        tcp('a', { host: 'db', port: 0 }),
        tcp('b', { host: 'db', port: 70_000 }),
        { ...tcp('c', { host: 'db', port: 5432 }), port: '5432' },
        { ...tcp('d', { host: '', port: 5432 }), tls: 'yes' },
        tcp('e', { host: 'db', port: 22, expect: { banner: { matches: 'SSH-(' } } }),
        tcp('f', { host: 'db', port: 22, expect: { banner: '' } }),
      ]),
    ).toEqual([
      'checks[0].port: must be a port number from 1 to 65535',
      'checks[1].port: must be a port number from 1 to 65535',
      'checks[2].port: must be a port number from 1 to 65535',
      'checks[3].host: must not be empty',
      'checks[3].tls: must be true, false or { servername?, insecure? }',
      'checks[4].expect.banner.matches: "SSH-(" is not a valid regular expression (Unterminated group)',
      'checks[5].expect.banner: must not be empty',
    ])
  })

  it('reports unknown TLS options', () => {
    const check = { ...tcp('a', { host: 'db', port: 1 }), tls: { verify: false } }
    expect(errorsOf([check])).toEqual(['checks[0].tls: unknown option "verify"'])
  })
})

describe('tcpTarget', () => {
  it('writes host:port, with brackets around IPv6', () => {
    expect(tcpTarget({ host: 'mail.example.com', port: 25 })).toBe('mail.example.com:25')
    expect(tcpTarget({ host: '::1', port: 25 })).toBe('[::1]:25')
  })
})
