/**
 * Host checks end to end, with real processes and a real mount: a hub, a probe
 * labelled role=app and a probe labelled role=db. The app probe runs host.readOnly on
 * a tmpfs this test mounts; remounting it read-only fires an alert that names the app
 * probe at a webhook sink, and remounting it read-write resolves it. The db probe is
 * not selected and never reports.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rootAvailable } from '../fixtures/require-tool.ts'
import { mountTmpfs, type Tmpfs } from '../fixtures/tmpfs.ts'
import { startWebhookSink, type WebhookSink } from '../fixtures/webhook-sink.ts'
import {
  startHubProcess,
  startProbeProcess,
  waitFor,
  type HubProcess,
  type VantageProcess,
} from './processes.ts'

const DEFINE = fileURLToPath(new URL('../../checks/define.ts', import.meta.url))

// Mounting needs root: locally this skips (with a warning) when not root; in CI it runs.
describe.runIf(rootAvailable('mounting a tmpfs'))('host.readOnly end to end', () => {
  let dir: string
  let tmpfs: Tmpfs
  let sink: WebhookSink
  let hub: HubProcess
  const probes: VantageProcess[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vantage-e2e-host-'))
    tmpfs = mountTmpfs({ size: '1m' })
    sink = await startWebhookSink()
    const checksFile = join(dir, 'monitors.ts')
    writeFileSync(
      checksFile,
      `import { defineMonitoring, host } from ${JSON.stringify(DEFINE)}
export default defineMonitoring({
  project: 'E2E hosts',
  defaults: { regions: ['eu-west'], every: '1s', timeout: '2s' },
  channels: [{ type: 'webhook', name: 'sink', url: '${sink.url}' }],
  checks: [
    host.readOnly('app-disks', {
      on: { labels: { role: 'app' } },
      include: [${JSON.stringify(tmpfs.dir)}],
      alert: { failAfter: 2, recoverAfter: 2 },
    }),
  ],
})
`,
    )
    hub = await startHubProcess({ checksFile, dataDir: join(dir, 'hub') })
    for (const [id, role] of [
      ['app-1', 'role=app'],
      ['db-1', 'role=db'],
    ] as const) {
      probes.push(
        await startProbeProcess({
          mqttUrl: hub.mqttUrl,
          id,
          region: 'eu-west',
          labels: role,
          dataDir: join(dir, id),
          hubKeyFile: join(dir, 'hub', 'hub-key.pub.pem'),
        }),
      )
    }
  })

  afterAll(async () => {
    await Promise.all(probes.map((probe) => probe.stop()))
    await hub?.stop()
    await sink?.close()
    tmpfs?.unmount()
    rmSync(dir, { recursive: true, force: true })
  })

  const getCheck = async () =>
    (await fetch(`${hub.httpUrl}/api/v1/checks/app-disks`)).json() as Promise<any>

  it('alerts when the watched mount turns read-only, naming the host, and resolves on rw', async () => {
    await waitFor('the app probe to report the mount writable', async () => {
      const check = await getCheck()
      return check.regions?.['app-1']?.latest?.status === 'up'
    })

    tmpfs.remount('ro')
    const fired = await waitFor('an alert at the webhook sink', () =>
      sink.received.find((hit) => hit.body.type === 'alert.fired'),
    )
    expect(fired.body.check.id).toBe('app-disks')
    expect(fired.body.regions).toEqual(['app-1'])
    expect(fired.body.quorum).toBe(1)
    expect(fired.body.error.code).toBe('HOST_READ_ONLY')
    expect(fired.body.error.message).toContain(tmpfs.dir)

    tmpfs.remount('rw')
    const resolved = await waitFor('a resolve at the webhook sink', () =>
      sink.received.find((hit) => hit.body.type === 'alert.resolved'),
    )
    expect(resolved.body.incidentId).toBe(fired.body.incidentId)

    // Each selected host is its own series; the db probe was never selected.
    const check = await getCheck()
    expect(check.seriesBy).toBe('probe')
    expect(Object.keys(check.regions)).toEqual(['app-1'])
    expect(check.availability['1h'].regions['app-1']).toBeLessThan(1)
  })

  it('stops every process cleanly', async () => {
    const codes = await Promise.all(probes.splice(0).map((probe) => probe.stop()))
    expect(codes).toEqual([0, 0])
    expect(await hub.stop()).toBe(0)
  })
})
