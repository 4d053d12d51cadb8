import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { buildBundle, keyIdOf, openBundle, signBundle, type BundleEnvelope } from './bundle.ts'
import { checkSpecSchema, type CheckSpec } from './spec.ts'

const hubKeys = generateKeyPairSync('ed25519')
const otherKeys = generateKeyPairSync('ed25519')
const now = Date.UTC(2026, 0, 1, 12, 0, 0)

const checks: CheckSpec[] = [
  checkSpecSchema.parse({
    kind: 'http',
    id: 'api',
    url: 'https://api.example.com/health',
    regions: ['eu-west'],
    notify: ['ops'],
    anomaly: false,
    expect: { degradedAbove: '800ms', latency: { p50: { above: '2x' } } },
  }),
  checkSpecSchema.parse({ kind: 'ping', id: 'gw', host: '10.0.0.1', regions: ['eu-west'] }),
]

function wire(envelope: BundleEnvelope): string {
  return JSON.stringify(envelope)
}

describe('buildBundle', () => {
  it('versions the bundle by deploy number and content', () => {
    const bundle = buildBundle(checks, 7, now)
    expect(bundle.seq).toBe(7)
    expect(bundle.createdAt).toBe(now)
    expect(bundle.version).toMatch(/^7-[0-9a-f]{8}$/)
    expect(buildBundle(checks, 8, now + 1).version.slice(2)).toBe(bundle.version.slice(2))
    expect(buildBundle(checks.slice(1), 7, now).version).not.toBe(bundle.version)
  })

  it("fills in browser checks' secrets from the hub, and a rotated secret changes the version", () => {
    const journey = checkSpecSchema.parse({
      kind: 'browser',
      id: 'login',
      regions: ['eu-west'],
      script: {
        file: 'login.ts',
        code: 'exports.default = async () => {}',
        sha256: 'a'.repeat(64),
      },
      secrets: ['SHOP_PASSWORD', 'UNSET'],
    })
    const env: Record<string, string> = { SHOP_PASSWORD: 'hunter2' }
    const bundle = buildBundle([...checks, journey], 3, now, (name) => env[name])
    expect(bundle.checks[2]).toMatchObject({ secretValues: { SHOP_PASSWORD: 'hunter2' } })
    env.SHOP_PASSWORD = 'rotated'
    const rotated = buildBundle([...checks, journey], 3, now, (name) => env[name])
    expect(rotated.seq).toBe(3)
    expect(rotated.version).not.toBe(bundle.version)
    // Without secret values the version is the checks' hash, as before browser checks.
    expect(buildBundle(checks, 3, now).version).toBe(
      `3-${buildBundle(checks, 9, now).version.slice(2)}`,
    )
  })

  it('leaves alert routing and the latency watch on the hub', () => {
    const bundle = buildBundle(checks, 1, now)
    expect(bundle.checks[0]).not.toHaveProperty('notify')
    expect(bundle.checks[0]).not.toHaveProperty('anomaly')
    expect(bundle.checks[0]).toMatchObject({ expect: { degradedAbove: '800ms' } })
    expect(bundle.checks[0]).not.toHaveProperty('expect.latency')
    expect(JSON.stringify(bundle)).not.toContain('ops')
  })
})

describe('signBundle and openBundle', () => {
  it('round-trips a signed bundle with the trusted key', () => {
    const bundle = buildBundle(checks, 3, now)
    const envelope = signBundle(bundle, hubKeys.privateKey)
    expect(envelope.keyId).toBe(keyIdOf(hubKeys.publicKey))
    expect(envelope.keyId).toMatch(/^[0-9a-f]{16}$/)

    const opened = openBundle(wire(envelope), hubKeys.publicKey)
    expect(opened).toEqual({ ok: true, bundle })
    expect(openBundle(Buffer.from(wire(envelope)), hubKeys.publicKey)).toEqual({ ok: true, bundle })
  })

  it('rejects tampered bytes', () => {
    const envelope = signBundle(buildBundle(checks, 3, now), hubKeys.privateKey)
    const text = Buffer.from(envelope.bundle, 'base64').toString('utf8')
    const tampered = text.replace('api.example.com', 'evil.example.com')
    expect(tampered).not.toBe(text)
    const opened = openBundle(
      wire({ ...envelope, bundle: Buffer.from(tampered).toString('base64') }),
      hubKeys.publicKey,
    )
    expect(opened).toEqual({
      ok: false,
      error: `config signature does not verify with hub key ${keyIdOf(hubKeys.publicKey)}`,
    })
  })

  it('rejects a bundle signed by another key', () => {
    const envelope = signBundle(buildBundle(checks, 3, now), otherKeys.privateKey)
    expect(openBundle(wire(envelope), hubKeys.publicKey).ok).toBe(false)
  })

  it('rejects a validly signed bundle whose content is not a bundle', () => {
    const bytes = Buffer.from(JSON.stringify({ seq: 1, checks: 'none' }))
    const envelope = {
      bundle: bytes.toString('base64'),
      sig: sign(null, bytes, hubKeys.privateKey).toString('base64'),
      keyId: keyIdOf(hubKeys.publicKey),
    }
    const opened = openBundle(wire(envelope), hubKeys.publicKey)
    expect(opened.ok).toBe(false)
    if (!opened.ok) expect(opened.error).toMatch(/^config bundle is invalid: /)
  })

  it('rejects garbage without throwing', () => {
    const garbage: (string | Buffer)[] = [
      '',
      'not json',
      'null',
      '[]',
      '{}',
      JSON.stringify({ bundle: 'x', sig: 'y' }),
      JSON.stringify({ bundle: '!!!', sig: '!!!', keyId: 'k' }),
      JSON.stringify({
        bundle: Buffer.from('not json').toString('base64'),
        sig: 'eA==',
        keyId: 'k',
      }),
      Buffer.from([0xff, 0x00, 0x13, 0x37]),
    ]
    for (const payload of garbage) {
      for (const key of [hubKeys.publicKey, undefined]) {
        const opened = openBundle(payload, key)
        expect(opened.ok, String(payload)).toBe(false)
        if (!opened.ok) expect(opened.error).toMatch(/^config /)
      }
    }
  })
})
