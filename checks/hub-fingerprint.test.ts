import { createHash, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { buildBundle, openBundle, signBundle, type BundleEnvelope } from './bundle.ts'
import { decodePublicKey, fingerprintOf, parseFingerprint } from './hub-fingerprint.ts'
import { checkSpecSchema } from './spec.ts'

const hub = generateKeyPairSync('ed25519')
const attacker = generateKeyPairSync('ed25519')
const pinned = { fingerprint: fingerprintOf(hub.publicKey) }
const bundle = buildBundle(
  [
    checkSpecSchema.parse({
      kind: 'http',
      id: 'api',
      url: 'https://api.example.com/',
      regions: ['eu-west'],
    }),
  ],
  4,
  Date.UTC(2026, 0, 1),
)
const wire = (envelope: BundleEnvelope) => JSON.stringify(envelope)

describe('fingerprintOf', () => {
  it('is the SHA-256 of the SPKI DER, in full', () => {
    const der = hub.publicKey.export({ type: 'spki', format: 'der' })
    const hex = createHash('sha256').update(der).digest('hex')
    expect(fingerprintOf(hub.publicKey)).toBe(`sha256:${hex}`)
  })
})

describe('parseFingerprint', () => {
  it('accepts the printed form, without its prefix and in any case', () => {
    const fingerprint = pinned.fingerprint
    expect(parseFingerprint(fingerprint)).toBe(fingerprint)
    expect(parseFingerprint(` ${fingerprint.toUpperCase().replace('SHA256', 'sha256')} `)).toBe(
      fingerprint,
    )
    expect(parseFingerprint(fingerprint.slice('sha256:'.length))).toBe(fingerprint)
  })

  it('says the text is no fingerprint (a file name), and refuses the short key id', () => {
    expect(parseFingerprint('./hub-key.pub.pem')).toBeUndefined()
    expect(parseFingerprint('sha256:abc')).toBeUndefined()
    expect(() => parseFingerprint(pinned.fingerprint.slice(7, 23))).toThrow(/too short to pin/)
  })
})

describe('openBundle with a pinned fingerprint', () => {
  it('accepts a bundle signed by the key with that fingerprint', () => {
    const envelope = signBundle(bundle, hub.privateKey)
    expect(fingerprintOf(decodePublicKey(envelope.publicKey!))).toBe(pinned.fingerprint)
    expect(openBundle(wire(envelope), pinned)).toEqual({ ok: true, bundle })
  })

  it('rejects a bundle signed by another key, even one that brings its own key', () => {
    const opened = openBundle(wire(signBundle(bundle, attacker.privateKey)), pinned)
    expect(opened).toEqual({
      ok: false,
      error: `config is signed by key ${fingerprintOf(attacker.publicKey)}, not by the pinned hub key ${pinned.fingerprint}`,
    })
  })

  it("rejects tampered bytes under the hub's own key", () => {
    const envelope = signBundle(bundle, hub.privateKey)
    const tampered = Buffer.from(envelope.bundle, 'base64')
      .toString('utf8')
      .replace('api.example.com', 'evil.example.com')
    const opened = openBundle(
      wire({ ...envelope, bundle: Buffer.from(tampered).toString('base64') }),
      pinned,
    )
    expect(opened.ok).toBe(false)
    expect(!opened.ok && opened.error).toMatch(/signature does not verify/)
  })

  it("rejects the hub's signature presented with another key", () => {
    const envelope = signBundle(bundle, hub.privateKey)
    const swapped = { ...envelope, publicKey: signBundle(bundle, attacker.privateKey).publicKey }
    expect(openBundle(wire(swapped), pinned).ok).toBe(false)
  })

  it('rejects an envelope without a key, and one whose key is not a key', () => {
    const { publicKey: _publicKey, ...bare } = signBundle(bundle, hub.privateKey)
    const opened = openBundle(wire(bare), pinned)
    expect(!opened.ok && opened.error).toMatch(/carries no public key.*--hub-key hub-key\.pub\.pem/)
    const garbage = openBundle(wire({ ...bare, publicKey: 'bm90IGEga2V5' }), pinned)
    expect(!garbage.ok && garbage.error).toMatch(/public key is invalid/)
  })

  it('leaves probes holding the key file as they were: no key needed in the envelope', () => {
    const { publicKey: _publicKey, ...bare } = signBundle(bundle, hub.privateKey)
    expect(openBundle(wire(bare), hub.publicKey)).toEqual({ ok: true, bundle })
    // The envelope's key is ignored by such a probe: an attacker's key does not help.
    const forged = signBundle(bundle, attacker.privateKey)
    expect(openBundle(wire(forged), hub.publicKey).ok).toBe(false)
  })
})
