/** Probe tokens on disk: only hashes are stored, and the hub's view follows the file. */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  CredentialStore,
  createProbeToken,
  credentialsPath,
  readCredentials,
  regionOfToken,
  revokeProbeToken,
} from './credentials.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'

const tempFile = (): string => credentialsPath(tempDir('vantage-credentials-'))

describe('probe tokens', () => {
  it('stores a hash with the probe id, region and creation time, never the token', () => {
    const file = tempFile()
    const now = new Date('2026-01-02T03:04:05.000Z')
    const { token } = createProbeToken(file, { probeId: 'eu-west-1', region: 'eu-west', now })
    // The region it is for, then 32 random bytes.
    expect(token).toMatch(/^eu-west\.[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(token.slice('eu-west.'.length), 'base64url')).toHaveLength(32)
    expect(regionOfToken(token)).toBe('eu-west')
    const text = readFileSync(file, 'utf8')
    expect(text).not.toContain(token)
    expect(readCredentials(file).probes['eu-west-1']).toEqual({
      probeId: 'eu-west-1',
      region: 'eu-west',
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      createdAt: '2026-01-02T03:04:05.000Z',
    })
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('reads the region a token names, dots and all; an older token names none', () => {
    const secret = 'x'.repeat(43)
    expect(regionOfToken(`dc1.eu-west.${secret}`)).toBe('dc1.eu-west')
    expect(regionOfToken(secret)).toBeUndefined()
  })

  it('verifies the right token only, for the right probe', () => {
    const file = tempFile()
    const { token } = createProbeToken(file, { probeId: 'eu-west-1', region: 'eu-west' })
    const store = new CredentialStore(file)
    expect(store.verify('eu-west-1', token)?.region).toBe('eu-west')
    expect(store.verify('eu-west-1', `${token}x`)).toBeUndefined()
    expect(store.verify('us-east-1', token)).toBeUndefined()
    expect(store.verify('constructor', token)).toBeUndefined()
  })

  it('refuses to replace a token unless asked to rotate it', () => {
    const file = tempFile()
    const first = createProbeToken(file, { probeId: 'p1', region: 'r' }).token
    expect(() => createProbeToken(file, { probeId: 'p1', region: 'r' })).toThrow(/--rotate/)
    const second = createProbeToken(file, { probeId: 'p1', region: 'r', rotate: true })
    expect(second.replaced).toBeDefined()
    const store = new CredentialStore(file)
    expect(store.verify('p1', first)).toBeUndefined()
    expect(store.verify('p1', second.token)).toBeDefined()
  })

  it('follows the file: a token created or revoked later is seen without reopening', () => {
    const file = tempFile()
    const store = new CredentialStore(file)
    const { token } = createProbeToken(file, { probeId: 'p1', region: 'r' })
    expect(store.verify('p1', token)).toBeDefined()
    expect(revokeProbeToken(file, 'p1')?.probeId).toBe('p1')
    expect(store.verify('p1', token)).toBeUndefined()
    expect(revokeProbeToken(file, 'p1')).toBeUndefined()
  })

  it('keeps the last good credentials when the file is broken', () => {
    const file = tempFile()
    const { token } = createProbeToken(file, { probeId: 'p1', region: 'r' })
    const errors: Error[] = []
    const store = new CredentialStore(file, (error) => errors.push(error))
    writeFileSync(file, '{ "version": 1, "probes": ')
    expect(store.verify('p1', token)).toBeDefined()
    expect(errors[0]?.message).toMatch(/JSON/)
  })
})
