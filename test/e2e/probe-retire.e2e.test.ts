/**
 * Taking probes out of service on purpose, with real processes: a probe stopped with
 * SIGTERM says so and pages nobody; `vantage probe remove` and `vantage token revoke`
 * retire a dead probe (its probe alert resolves and the pages forget it); `vantage probe
 * drain` hands its checks to the region's other probe without a page, and `vantage
 * probe resume` takes them back. Each "nobody was paged" is read after a marker probe
 * that dies for real has paged, with the same probeOfflineAfter.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rendezvousOwner } from '../../probe/membership.ts'
import { vantageCli } from '../fixtures/secured-mosquitto.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { startAlertSink, type AlertSink } from './alert-sink.ts'
import { startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../../bin/vantage.js', import.meta.url))

interface ListedProbe {
  probeId: string
  state: string
  reason?: string
  drained?: boolean
}

describe('probes taken out of service on purpose', () => {
  let target: TargetServer
  let sink: AlertSink
  let network: Network
  let markers = 0

  const cli = (args: string[]) =>
    spawnSync(process.execPath, [VANTAGE_BIN, ...args], { encoding: 'utf8', timeout: 30_000 })
  const probeAlerts = (probeId: string, type: string) =>
    sink.alerts(`alert.${type}`).filter((hit) => hit.body?.check?.id === `probe:${probeId}`)
  const listed = async (probeId: string) =>
    (await network.getJson<ListedProbe[]>('/api/v1/probes')).find((p) => p.probeId === probeId)
  const whenListed = (probeId: string, matches: (probe: ListedProbe) => boolean) =>
    waitFor(`probe ${probeId} in the list`, async () => {
      const probe = await listed(probeId)
      return probe && matches(probe)
    })
  /** Starts a probe and kills it: its alert is the event after which silence can be judged. */
  const markerPage = async () => {
    const id = `eu-west-crash-${(markers += 1)}`
    const marker = await network.startProbe({ id, region: 'eu-west' })
    await whenListed(id, (probe) => probe.state === 'online')
    marker.kill('SIGKILL')
    await marker.stop()
    await waitFor(`the alert for ${id}`, () => probeAlerts(id, 'fired')[0], 30_000)
    return id
  }
  const latestProbe = async () => {
    const check = await network.getJson('/api/v1/checks/site')
    return check.regions?.['eu-west']?.latest?.probeId as string | undefined
  }

  beforeAll(async () => {
    target = await startTargetServer()
    sink = await startAlertSink()
    network = await startNetwork({
      name: 'vantage-retire-',
      regions: ['eu-west'],
      monitors: {
        defaults: { regions: ['eu-west'], every: '1s', timeout: '2s' },
        channels: [{ type: 'webhook', name: 'sink', url: sink.url }],
        alerting: { groupWait: '1s', probeOfflineAfter: '2s', notify: ['sink'] },
        checks: [{ kind: 'http', id: 'site', url: `${target.url}/` }],
      },
    })
    await network.everyRegionUp()
  })

  afterAll(async () => {
    await network?.stop()
    await sink?.close()
    await target?.close()
  })

  it('hears a probe stopped with SIGTERM say so, and pages nobody', async () => {
    const stopped = await network.startProbe({ id: 'eu-west-stop', region: 'eu-west' })
    await whenListed('eu-west-stop', (probe) => probe.state === 'online')
    expect(await stopped.stop()).toBe(0)
    await whenListed('eu-west-stop', (p) => p.state === 'offline' && p.reason === 'stopped')
    await markerPage()
    expect(probeAlerts('eu-west-stop', 'fired')).toEqual([])
  })

  it('retires a dead probe with `vantage probe remove`, not an online one', async () => {
    const dead = await markerPage()
    const online = cli(['probe', 'remove', 'eu-west-1', '--hub', network.hub.httpUrl])
    expect(online.status).toBe(1)
    expect(online.stderr).toContain('probe eu-west-1 is online')

    const removed = cli(['probe', 'remove', dead, '--hub', network.hub.httpUrl])
    expect(removed.stderr).toBe('')
    expect(removed.stdout).toContain(`Retired probe ${dead}`)
    await waitFor(`the alert for ${dead} to resolve`, () => probeAlerts(dead, 'resolved')[0])
    expect(await listed(dead)).toBeUndefined()
    const page = await (await fetch(`${network.hub.httpUrl}/internal`)).text()
    expect(page).not.toContain(dead)
  })

  it('retires a probe whose token is revoked', async () => {
    const { token } = JSON.parse(
      vantageCli([
        ...['token', 'create', 'probe', 'eu-west-tok', '--region', 'eu-west'],
        ...['--data', network.hubDir, '--json'],
      ]),
    ) as { token: string }
    const probe = await network.startProbe({
      id: 'eu-west-tok',
      region: 'eu-west',
      username: 'eu-west-tok',
      password: token,
    })
    await whenListed('eu-west-tok', (p) => p.state === 'online')
    probe.kill('SIGKILL')
    await probe.stop()
    await waitFor('the alert for eu-west-tok', () => probeAlerts('eu-west-tok', 'fired')[0])
    vantageCli(['token', 'revoke', 'eu-west-tok', '--data', network.hubDir])
    await waitFor('the alert to resolve', () => probeAlerts('eu-west-tok', 'resolved')[0])
    expect(await listed('eu-west-tok')).toBeUndefined()
  })

  it('drains a probe: its checks move to the region\u2019s other probe, and nobody is paged', async () => {
    // An id that wins `site` over eu-west-1, so draining it visibly moves the check.
    const id = Array.from({ length: 50 }, (_, i) => `eu-west-d${i}`).find(
      (candidate) => rendezvousOwner('site', ['eu-west-1', candidate]) === candidate,
    )!
    await network.startProbe({ id, region: 'eu-west' })
    await waitFor(`${id} to run site`, async () => (await latestProbe()) === id)

    const drained = cli(['probe', 'drain', id, '--hub', network.hub.httpUrl])
    expect(drained.stdout).toContain(`Draining probe ${id}`)
    await whenListed(id, (p) => p.drained === true && p.reason === 'draining')
    await waitFor('eu-west-1 to take site over', async () => (await latestProbe()) === 'eu-west-1')
    await markerPage()
    expect(probeAlerts(id, 'fired')).toEqual([])

    const resumed = cli(['probe', 'resume', id, '--hub', network.hub.httpUrl])
    expect(resumed.stdout).toContain(`Resumed probe ${id}`)
    await whenListed(id, (p) => p.state === 'online' && !p.drained)
    await waitFor(`${id} to run site again`, async () => (await latestProbe()) === id)
  })
})
