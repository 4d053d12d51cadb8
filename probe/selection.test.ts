import { generateKeyPairSync } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildBundle, signBundle, toProbeChecks, type ProbeCheck } from '../checks/bundle.ts'
import { host } from '../checks/define.ts'
import { validateMonitoring } from '../checks/validate.ts'
import { silentLogger } from '../lib/logger.ts'
import { scheduledHere, type ProbeIdentity } from './selection.ts'
import { BundleUpdater } from './updater.ts'
import { tempDir } from '../test/fixtures/temp-dir.ts'

const outcome = validateMonitoring({
  defaults: { regions: ['eu-west', 'us-east'] },
  checks: [
    { kind: 'http', id: 'site', url: 'http://127.0.0.1:9/' },
    { kind: 'http', id: 'us-only', url: 'http://127.0.0.1:9/', regions: ['us-east'] },
    host.readOnly('app-disks', { on: { labels: { role: 'app' } } }),
    host.disk('app-eu-disk', { on: { labels: { role: 'app', zone: 'eu' } } }),
    host.port('db-port', { on: { probes: ['db-1'] }, port: 5432 }),
    host.file('both', { on: { probes: ['db-1'], labels: { role: 'app' } }, path: '/x' }),
  ],
})
if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
const checks = outcome.config.checks
const probeChecks = toProbeChecks(checks)

const probe = (probeId: string, labels: Record<string, string> = {}): ProbeIdentity => ({
  probeId,
  region: 'eu-west',
  labels,
})
const selected = (who: ProbeIdentity) =>
  probeChecks.filter((check) => scheduledHere(check, who)).map((check) => check.id)

describe('scheduledHere', () => {
  it('picks region checks by region and host checks by id or by all their labels', () => {
    expect(selected(probe('eu-west-1'))).toEqual(['site'])
    expect(selected(probe('app-1', { role: 'app' }))).toEqual(['site', 'app-disks', 'both'])
    expect(selected(probe('app-2', { role: 'app', zone: 'eu', extra: 'x' }))).toEqual([
      'site',
      'app-disks',
      'app-eu-disk',
      'both',
    ])
    expect(selected(probe('db-1', { role: 'db' }))).toEqual(['site', 'db-port', 'both'])
  })

  it('never takes a host check by region, whatever the probe is called there', () => {
    expect(
      selected({ probeId: 'eu-west', region: 'eu-west', labels: { region: 'eu-west' } }),
    ).toEqual(['site'])
  })
})

describe('BundleUpdater with host checks', () => {
  const keys = generateKeyPairSync('ed25519')

  it('schedules the host checks that select this probe, beside its region checks', () => {
    const applied: ProbeCheck[][] = []
    const updater = new BundleUpdater({
      probeId: 'app-1',
      region: 'us-east',
      labels: { role: 'app' },
      hubKey: keys.publicKey,
      file: join(tempDir('vantage-selection-'), 'bundle.json'),
      apply: (list) => {
        applied.push(list)
        return { added: list.map((c) => c.id), updated: [], removed: [] }
      },
      logger: silentLogger(),
    })
    const envelope = signBundle(buildBundle(checks, 1, 1), keys.privateKey)
    expect(updater.receive(Buffer.from(JSON.stringify(envelope)))).toEqual({ applied: true })
    expect(applied[0]!.map((c) => c.id)).toEqual(['site', 'us-only', 'app-disks', 'both'])
  })
})
