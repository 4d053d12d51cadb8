/**
 * Host checks end to end, with real processes and a real mount: a hub, a probe
 * labelled role=app and a probe labelled role=db. The app probe runs host.readOnly on
 * a tmpfs this test mounts; remounting it read-only fires an alert that names the app
 * probe at a webhook sink, and remounting it read-write resolves it. The db probe is
 * not selected and never reports.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rootAvailable } from '../fixtures/require-tool.ts'
import { mountTmpfs, type Tmpfs } from '../fixtures/tmpfs.ts'
import { startWebhookSink, type WebhookSink } from '../fixtures/webhook-sink.ts'
import { startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

const DEFINE = fileURLToPath(new URL('../../checks/define.ts', import.meta.url))

/** The monitors file: host.readOnly on `mountDir` for probes labelled role=app, alerting `sinkUrl`. */
function hostMonitors(sinkUrl: string, mountDir: string): string {
  return `import { defineMonitoring, host } from ${JSON.stringify(DEFINE)}
export default defineMonitoring({
  project: 'E2E hosts',
  defaults: { regions: ['eu-west'], every: '1s', timeout: '2s' },
  channels: [{ type: 'webhook', name: 'sink', url: '${sinkUrl}' }],
  checks: [
    host.readOnly('app-disks', {
      on: { labels: { role: 'app' } },
      include: [${JSON.stringify(mountDir)}],
      alert: { failAfter: 2, recoverAfter: 2 },
    }),
  ],
})
`
}

// Mounting needs root: locally this skips (with a warning) when not root; in CI it runs.
describe.runIf(rootAvailable('mounting a tmpfs'))('host.readOnly end to end', () => {
  let tmpfs: Tmpfs
  let sink: WebhookSink
  let network: Network

  beforeAll(async () => {
    tmpfs = mountTmpfs({ size: '1m' })
    sink = await startWebhookSink()
    network = await startNetwork({
      name: 'vantage-e2e-host-',
      monitors: hostMonitors(sink.url, tmpfs.dir),
      probes: [
        { id: 'app-1', region: 'eu-west', labels: 'role=app' },
        { id: 'db-1', region: 'eu-west', labels: 'role=db' },
      ],
    })
  })

  afterAll(async () => {
    await network?.stop()
    await sink?.close()
    tmpfs?.unmount()
  })

  const getCheck = () => network.getJson('/api/v1/checks/app-disks')

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
    const codes = await Promise.all(network.probes.map((probe) => probe.stop()))
    expect(codes).toEqual([0, 0])
    expect(await network.hub.stop()).toBe(0)
  })
})
