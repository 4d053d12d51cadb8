import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startHttpsTarget, type HttpsTarget } from '../../test/fixtures/https-target.ts'
import { commandWorks, toolAvailable } from '../../test/fixtures/require-tool.ts'
import { startTargetServer } from '../../test/fixtures/target-server.ts'
import {
  createTestPki,
  EXPIRING_DAYS,
  type TestLeaf,
  type TestPki,
} from '../../test/fixtures/test-pki.ts'
import { checkResultSchema } from '../result.ts'
import { httpSpecSchema, type HttpSpec } from '../spec.ts'
import { createHttpRunner, run } from './http.ts'
import type { RunContext } from './types.ts'

const hasOpenssl = toolAvailable('openssl', commandWorks('openssl', ['version']))

function spec(url: string, extra: Record<string, unknown> = {}): HttpSpec {
  return httpSpecSchema.parse({ kind: 'http', id: 'target', url, regions: ['local'], ...extra })
}

function context(): RunContext {
  return { signal: new AbortController().signal, probeId: 'p', region: 'local', now: Date.now }
}

describe.skipIf(!hasOpenssl)('http runner over TLS, with certificates made by openssl', () => {
  let pki: TestPki
  const targets: HttpsTarget[] = []

  /** An HTTPS server with `leaf`, closed after the test. */
  async function serve(leaf: TestLeaf, options: { http2?: boolean } = {}): Promise<HttpsTarget> {
    const target = await startHttpsTarget(leaf, options)
    targets.push(target)
    return target
  }

  beforeAll(() => {
    pki = createTestPki()
  })
  afterEach(async () => {
    await Promise.all(targets.splice(0).map((target) => target.close()))
  })
  afterAll(() => {
    pki.cleanup()
  })

  it('is up with a certificate from a CA the check trusts, and describes it', async () => {
    const target = await serve(pki.valid)
    const outcome = await run(spec(`${target.url}/`, { tls: { ca: pki.ca } }), context())
    expect(outcome.error).toBeUndefined()
    expect(outcome.status).toBe('up')
    expect(outcome.phases?.tlsMs).toBeGreaterThanOrEqual(0)
    expect(outcome.metrics).toMatchObject({ certValid: 1, httpStatus: 200, httpVersion: 1.1 })
    expect(outcome.metrics?.certDaysLeft).toBeGreaterThan(89)
    expect(outcome.metrics?.certDaysLeft).toBeLessThanOrEqual(90)
    expect(outcome.details).toMatchObject({
      certSubject: 'CN=valid',
      certIssuer: 'CN=Vantage Test CA',
      certSans: 'IP:127.0.0.1, IP:0:0:0:0:0:0:0:1, DNS:localhost',
      certVerification: 'ok',
      tlsVersion: 'TLSv1.3',
    })
    expect(outcome.details?.certNotAfter).toMatch(/^\d{4}-\d\d-\d\dT/)
    // Valid on the wire: within the bounds of a result's details.
    expect(checkResultSchema.shape.details.safeParse(outcome.details).success).toBe(true)
  })

  it('checks the host name too: localhost is in the certificate', async () => {
    const target = await serve(pki.valid)
    const url = `https://localhost:${target.port}/`
    const outcome = await run(spec(url, { tls: { ca: pki.ca } }), context())
    expect(outcome.status).toBe('up')
  })

  it('trusts a CA given to the runner, for every check', async () => {
    const target = await serve(pki.valid)
    const outcome = await createHttpRunner({ tls: { ca: pki.ca } })(
      spec(`${target.url}/`),
      context(),
    )
    expect(outcome.status).toBe('up')
  })

  it('is down with TLS_CERT_EXPIRED for an expired certificate, and says since when', async () => {
    const target = await serve(pki.expired)
    const outcome = await run(spec(`${target.url}/`, { tls: { ca: pki.ca } }), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('TLS_CERT_EXPIRED')
    expect(outcome.error?.message).toMatch(
      /^TLS: certificate has expired \(CERT_HAS_EXPIRED: CN=expired issued by CN=Vantage Test CA, valid until \d{4}-/,
    )
    expect(outcome.metrics?.certValid).toBe(0)
    expect(outcome.metrics?.certDaysLeft).toBeLessThan(0)
    expect(outcome.metrics?.httpStatus).toBeUndefined()
    expect(outcome.details?.certVerification).toMatch(/^CERT_HAS_EXPIRED: /)
  })

  it('is down with TLS_HOSTNAME_MISMATCH for a certificate of another name', async () => {
    const target = await serve(pki.wrongHost)
    const outcome = await run(spec(`${target.url}/`, { tls: { ca: pki.ca } }), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('TLS_HOSTNAME_MISMATCH')
    expect(outcome.error?.message).toContain("IP: 127.0.0.1 is not in the cert's list")
    expect(outcome.details?.certSans).toBe('DNS:wrong.example.test')
  })

  it('is down with TLS_CERT_UNTRUSTED when no trusted CA signed it', async () => {
    const signedByTestCa = await serve(pki.valid)
    const untrusted = await run(spec(`${signedByTestCa.url}/`), context())
    expect(untrusted.error?.code).toBe('TLS_CERT_UNTRUSTED')
    expect(untrusted.error?.message).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE')

    const selfSigned = await serve(pki.selfSigned)
    const outcome = await run(spec(`${selfSigned.url}/`), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('TLS_CERT_UNTRUSTED')
    expect(outcome.error?.message).toContain('DEPTH_ZERO_SELF_SIGNED_CERT')
  })

  it('goes on with an untrusted certificate when insecure, and still reports it', async () => {
    const target = await serve(pki.selfSigned)
    const outcome = await run(spec(`${target.url}/`, { insecure: true }), context())
    expect(outcome.status).toBe('up')
    expect(outcome.error).toBeUndefined()
    expect(outcome.metrics).toMatchObject({ certValid: 0, httpStatus: 200 })
    expect(outcome.metrics?.certDaysLeft).toBeGreaterThan(29)
    expect(outcome.details).toMatchObject({ certSubject: 'CN=self-signed' })
    expect(outcome.details?.certVerification).toMatch(/^DEPTH_ZERO_SELF_SIGNED_CERT: /)
  })

  it('is degraded, not down, when the certificate expires within certMinDays', async () => {
    const target = await serve(pki.expiringSoon)
    const outcome = await run(
      spec(`${target.url}/`, { tls: { ca: pki.ca }, expect: { certMinDays: 14 } }),
      context(),
    )
    expect(outcome.status).toBe('degraded')
    expect(outcome.error).toBeUndefined()
    expect(outcome.assertions[1]).toEqual({
      name: 'certificate days left',
      ok: false,
      expected: '>= 14',
      actual: String(EXPIRING_DAYS),
    })
    const relaxed = await run(
      spec(`${target.url}/`, { tls: { ca: pki.ca }, expect: { certMinDays: 2 } }),
      context(),
    )
    expect(relaxed.status).toBe('up')
  })

  it('adds the days left to an expired certificate error when certMinDays is set', async () => {
    const target = await serve(pki.expired)
    const strict = spec(`${target.url}/`, { tls: { ca: pki.ca }, expect: { certMinDays: 14 } })
    const outcome = await run(strict, context())
    expect(outcome.error?.code).toBe('TLS_CERT_EXPIRED')
    expect(outcome.assertions).toEqual([
      { name: 'certificate days left', ok: false, expected: '>= 14', actual: expect.any(String) },
    ])

    // Accepted anyway (insecure): the expiry is a warning, the site answers.
    const accepted = await run(
      spec(`${target.url}/`, { insecure: true, expect: { certMinDays: 14 } }),
      context(),
    )
    expect(accepted.status).toBe('degraded')
  })

  it('reads the certificate on every run: each run is a fresh handshake', async () => {
    const target = await serve(pki.valid)
    const check = spec(`${target.url}/`, { tls: { ca: pki.ca } })
    const first = await run(check, context())
    const second = await run(check, context())
    expect(second.details?.certSubject).toBe('CN=valid')
    expect(second.metrics?.certDaysLeft).toBe(first.metrics?.certDaysLeft)
  })

  it('reports HTTP/2 when the server chooses it', async () => {
    const target = await serve(pki.valid, { http2: true })
    const outcome = await run(spec(`${target.url}/`, { tls: { ca: pki.ca } }), context())
    expect(outcome.status).toBe('up')
    expect(outcome.metrics).toMatchObject({ httpVersion: 2, responseBytes: 6, certValid: 1 })
  })

  it('reports the certificate of the URL a redirect chain ends at', async () => {
    const secure = await serve(pki.valid)
    const plain = await startTargetServer()
    try {
      const url = `${plain.url}/redirect/away?to=${encodeURIComponent(`${secure.url}/`)}`
      const outcome = await run(spec(url, { tls: { ca: pki.ca } }), context())
      expect(outcome.status).toBe('up')
      expect(outcome.metrics).toMatchObject({ redirects: 1, certValid: 1 })
      expect(outcome.details).toMatchObject({ finalUrl: `${secure.url}/`, certSubject: 'CN=valid' })
    } finally {
      await plain.close()
    }
  })
})
