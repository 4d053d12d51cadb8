import { describe, expect, it } from 'vitest'
import { defineMonitoring, http } from '../define.ts'
import { validateMonitoring } from '../validate.ts'

const URL = 'https://api.example.com/health'

function errorsOf(checks: unknown[]): string[] {
  const outcome = validateMonitoring({ defaults: { regions: ['eu-west'] }, checks })
  return outcome.ok ? [] : outcome.errors
}

describe('http checks: validation', () => {
  it('accepts every option and fills in the defaults', () => {
    const outcome = validateMonitoring(
      defineMonitoring({
        defaults: { regions: ['eu-west'] },
        checks: [
          http('plain', { url: URL }),
          http('full', {
            url: URL,
            method: 'POST',
            headers: { 'x-api-key': 'k' },
            query: { q: 'x', page: 2, tag: ['a', 'b'] },
            json: { order: 1, items: [null, true] },
            auth: { username: 'monitor', password: 'secret' },
            followRedirects: 0,
            ipFamily: 6,
            insecure: true,
            tls: { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
            expect: {
              status: [200, 201],
              headers: { 'content-type': { matches: '^application/json' }, etag: 'abc' },
              body: { contains: 'ok', matches: 'v\\d+' },
              json: [
                { path: 'data.items[0].id', equals: 7 },
                { path: '$.count', greaterThan: 0, lessThan: 100 },
                { path: 'error', exists: false },
              ],
              certMinDays: 14,
              shouldFail: false,
            },
          }),
        ],
      }),
    )
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    const [plain, full] = outcome.config.checks
    expect(plain).toMatchObject({
      method: 'GET',
      followRedirects: 5,
      ipFamily: 'auto',
      insecure: false,
      expect: { status: { min: 200, max: 399 } },
    })
    expect(full).toMatchObject({ followRedirects: 0, ipFamily: 6, auth: { username: 'monitor' } })
  })

  it('rejects a regex that does not compile, with its path', () => {
    expect(
      errorsOf([
        http('a', { url: URL, expect: { body: { matches: '(unclosed' } } }),
        http('b', { url: URL, expect: { headers: { server: { matches: '[a-' } } } }),
      ]),
    ).toEqual([
      'checks[0].expect.body.matches: "(unclosed" is not a valid regular expression (Unterminated group)',
      'checks[1].expect.headers.server.matches: "[a-" is not a valid regular expression (Unterminated character class)',
    ])
  })

  it('rejects JSON paths that do not parse and JSON expectations that expect nothing', () => {
    expect(
      errorsOf([
        http('a', { url: URL, expect: { json: [{ path: 'data..id', exists: true }] } }),
        http('b', { url: URL, expect: { json: [{ path: 'data.id' }] } }),
      ]),
    ).toEqual([
      'checks[0].expect.json[0].path: "data..id" is not a JSON path: expected a key at position 5 (write e.g. data.items[0].id)',
      'checks[1].expect.json[0]: give equals, exists, lessThan or greaterThan',
    ])
  })

  it('rejects expectations that say nothing or two things', () => {
    const check = {
      ...http('a', { url: URL }),
      expect: { body: {}, headers: { etag: { equals: 'a', matches: 'b' } } },
    }
    expect(errorsOf([check])).toEqual([
      'checks[0].expect.headers.etag: give either equals or matches',
      'checks[0].expect.body: give contains, matches or both',
    ])
  })

  it('reports bad request options with their paths', () => {
    expect(
      errorsOf([
        http('a', { url: URL, followRedirects: -1 }),
        { ...http('b', { url: URL }), ipFamily: 5 },
        { ...http('c', { url: URL }), auth: { user: 'x' } },
        http('d', { url: URL, auth: { username: 'a:b', password: '' } }),
        http('e', { url: URL, tls: { ca: '/etc/ssl/ca.pem' } }),
        http('f', { url: URL, headers: { 'bad header': 'x' } }),
      ]),
    ).toEqual([
      'checks[0].followRedirects: must be at least 0, got -1',
      'checks[1].ipFamily: must be 4, 6 or "auto"',
      'checks[2].auth: must be { username, password } or { bearer }',
      'checks[3].auth.username: must not contain ":"',
      'checks[4].tls.ca: must be PEM text with -----BEGIN CERTIFICATE----- (the file content, not its path)',
      'checks[5].headers.bad header: is not a valid header name',
    ])
  })

  it('reports a broken URL once, without comparing it with other options', () => {
    expect(errorsOf([http('a', { url: 'not a url', ipFamily: 4 })])).toEqual([
      'checks[0].url: must be an http:// or https:// URL',
    ])
  })

  it('reports options that contradict each other', () => {
    expect(
      errorsOf([
        http('a', { url: URL, body: 'x', json: { x: 1 } }),
        http('b', { url: URL, auth: { bearer: 't' }, headers: { Authorization: 'Bearer u' } }),
        http('c', { url: 'http://[::1]:8080/', ipFamily: 4 }),
        http('d', { url: 'http://api.example.com/', expect: { certMinDays: 14 } }),
      ]),
    ).toEqual([
      'checks[0].json: set either body (text) or json, not both',
      'checks[1].auth: set either auth or an authorization header, not both',
      'checks[2].ipFamily: [::1] is an IPv6 address, so it cannot be reached over IPv4',
      'checks[3].expect.certMinDays: needs an https:// URL: plain http has no certificate',
    ])
  })
})
