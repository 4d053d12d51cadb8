import { generateKeyPairSync } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildBundle, signBundle, type ProbeCheck } from '../checks/bundle.ts'
import { validateMonitoring } from '../checks/validate.ts'
import { silentLogger } from '../lib/logger.ts'
import { BundleUpdater } from './updater.ts'
import { tempDir } from '../test/fixtures/temp-dir.ts'

const hubKeys = generateKeyPairSync('ed25519')
const attackerKeys = generateKeyPairSync('ed25519')

function checks(ids: string[]) {
  const outcome = validateMonitoring({
    defaults: { regions: ['eu-west', 'us-east'] },
    checks: ids.map((id) => ({
      kind: 'http',
      id,
      url: `http://127.0.0.1:9/${id}`,
      regions: id.startsWith('us') ? ['us-east'] : undefined,
    })),
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config.checks
}

function setup() {
  const dir = tempDir('vantage-updater-')
  const applied: ProbeCheck[][] = []
  const options = {
    probeId: 'eu-west-1',
    region: 'eu-west',
    hubKey: hubKeys.publicKey,
    file: join(dir, 'bundle.json'),
    apply: (list: ProbeCheck[]) => {
      applied.push(list)
      return { added: list.map((c) => c.id), updated: [], removed: [] }
    },
    logger: silentLogger(),
  }
  return { updater: new BundleUpdater(options), applied, options }
}

const envelope = (ids: string[], seq: number, key = hubKeys.privateKey) =>
  Buffer.from(JSON.stringify(signBundle(buildBundle(checks(ids), seq, 1), key)))

describe('BundleUpdater', () => {
  it('schedules only the checks of its region from a verified bundle', () => {
    const { updater, applied } = setup()
    expect(updater.receive(envelope(['api', 'us-only'], 1))).toEqual({ applied: true })
    expect(applied.at(-1)!.map((c) => c.id)).toEqual(['api'])
    expect(updater.version()).toMatch(/^1-/)
  })

  it('rejects a bundle signed by another key and keeps the last good one', () => {
    const { updater, applied } = setup()
    updater.receive(envelope(['api'], 1))
    const outcome = updater.receive(envelope(['evil'], 2, attackerKeys.privateKey))
    expect(outcome.applied).toBe(false)
    expect(outcome.error).toMatch(/signature/)
    expect(applied).toHaveLength(1)
    expect(updater.rejected()).toBe(1)
  })

  it('rejects tampered bytes, garbage and older bundles without throwing', () => {
    const { updater, applied } = setup()
    updater.receive(envelope(['api', 'web'], 2))
    const tampered = JSON.parse(envelope(['api'], 3).toString())
    const bytes = Buffer.from(tampered.bundle, 'base64')
      .toString()
      .replace('127.0.0.1', '127.0.0.2')
    tampered.bundle = Buffer.from(bytes).toString('base64')
    expect(updater.receive(Buffer.from(JSON.stringify(tampered))).applied).toBe(false)
    expect(updater.receive(Buffer.from('{not json')).applied).toBe(false)
    expect(updater.receive(envelope(['api'], 1)).error).toMatch(/older/)
    expect(applied).toHaveLength(1)
    expect(updater.rejected()).toBe(3)
  })

  it('restores the last good bundle from disk after a restart', () => {
    const first = setup()
    first.updater.receive(envelope(['api'], 1))
    const second = new BundleUpdater({
      ...first.options,
      apply: (list) => {
        first.applied.push(list)
        return { added: [], updated: [], removed: [] }
      },
    })
    second.restore()
    expect(second.version()).toBe(first.updater.version())
    expect(first.applied.at(-1)!.map((c) => c.id)).toEqual(['api'])
  })
})
