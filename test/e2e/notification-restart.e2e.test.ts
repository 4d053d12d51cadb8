/**
 * Durable delivery end to end, with real processes: an alert fires while the webhook
 * receiver answers 503, so the notification waits in the hub's queue for a retry. The
 * hub is stopped right then, the receiver recovers, and a new hub process starts on
 * the same data directory and ports. The queued alert must still arrive, accepted
 * exactly once, for the same incident: a restart neither loses a page nor fires the
 * outage again. A marker check on a target and channel of its own goes down after the
 * restart: its alert shows that one from the site would have come through by then.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { REGIONS, startNetwork, type Network } from './network.ts'
import { startAlertSink, type AlertSink } from './alert-sink.ts'
import { waitFor } from './processes.ts'

/** Two hub starts, an outage, the hub's own stop (it waits up to 5 s for the queue) and the marker's alert. */
const TEST_TIMEOUT_MS = 90_000

/** The hub's queued notification rows for one incident, read from its SQLite file while no hub runs. */
function queuedRows(
  dataDir: string,
  incidentId: string,
): Array<{ channel: string; state: string }> {
  const db = new Database(join(dataDir, 'hub.db'), { readonly: true })
  try {
    const rows = db.prepare('SELECT channel, state, event FROM notification_queue').all() as Array<{
      channel: string
      state: string
      event: string
    }>
    return rows
      .filter((row) => JSON.parse(row.event).incidentId === incidentId)
      .map(({ channel, state }) => ({ channel, state }))
  } finally {
    db.close()
  }
}

describe('a notification queued when the hub restarts', () => {
  let target: TargetServer
  let sink: AlertSink
  let markerTarget: TargetServer
  let markerSink: AlertSink
  let network: Network

  beforeAll(async () => {
    target = await startTargetServer()
    sink = await startAlertSink()
    markerTarget = await startTargetServer()
    markerSink = await startAlertSink()
    network = await startNetwork({
      name: 'vantage-restart-',
      regions: REGIONS,
      monitors: {
        project: 'E2E',
        defaults: { regions: REGIONS, every: '2s', timeout: '1s' },
        channels: [
          { type: 'webhook', name: 'sink', url: sink.url },
          { type: 'webhook', name: 'marker', url: markerSink.url },
        ],
        alerting: { groupWait: '1s', notify: ['sink'] },
        routes: [
          { match: { checks: ['site'] }, channels: ['sink'] },
          { match: { checks: ['marker'] }, channels: ['marker'] },
        ],
        checks: [
          {
            kind: 'http',
            id: 'site',
            name: 'Site',
            url: `${target.url}/`,
            alert: { failAfter: 2, recoverAfter: 2 },
          },
          // One failed run more than the site needs, so that its alert comes after any
          // the site's runs since the restart could cause.
          {
            kind: 'http',
            id: 'marker',
            url: `${markerTarget.url}/`,
            alert: { failAfter: 3, recoverAfter: 2 },
          },
        ],
      },
    })
  })

  afterAll(async () => {
    await network?.stop()
    await sink?.close()
    await target?.close()
    await markerSink?.close()
    await markerTarget?.close()
  })

  it(
    'delivers it after the restart, accepted once, for the same incident',
    async () => {
      await network.everyRegionUp()

      sink.answerWith(503)
      const downAt = Date.now()
      await target.setMode('error')
      const incidentId: string = await waitFor('an open incident for site', async () => {
        const open = await network.getJson('/api/v1/incidents?check=site&open=true&kind=down')
        return open[0]?.id
      })
      const retrying = await waitFor(
        'the fired alert refused by the sink and queued for a retry',
        async () => {
          const incident = await network.getJson(`/api/v1/incidents/${incidentId}`)
          return incident.timeline.find(
            (entry: any) =>
              entry.type === 'notification' &&
              entry.detail.alert === 'fired' &&
              entry.detail.outcome === 'retrying',
          )
        },
        20_000,
      )
      console.info(`target down → first refused attempt: ${retrying.at - downAt} ms`)
      expect(retrying.detail).toMatchObject({ channel: 'sink', status: 503 })
      const channels = await network.getJson('/api/v1/channels')
      expect(channels.find((channel: any) => channel.name === 'sink')?.pending).toBeGreaterThan(0)

      const { hostname, port: httpPort } = new URL(network.hub.httpUrl)
      const mqttPort = Number(new URL(network.hub.mqttUrl).port)
      const stoppingAt = Date.now()
      expect(await network.hub.stop()).toBe(0)
      console.info(`hub stop (SIGTERM) took ${Date.now() - stoppingAt} ms`)
      expect(queuedRows(network.hubDir, incidentId)).toContainEqual({
        channel: 'sink',
        state: 'pending',
      })
      const refusedBeforeRestart = sink.hits.filter(
        (hit) => hit.body?.type === 'alert.fired' && hit.body?.incidentId === incidentId,
      )
      expect(refusedBeforeRestart.length).toBeGreaterThan(0)
      expect(refusedBeforeRestart.every((hit) => hit.status === 503)).toBe(true)

      sink.answerWith(200)
      const restartAt = Date.now()
      expect(hostname).toBe('127.0.0.1')
      await network.startHub({ port: Number(httpPort), mqttPort })
      const delivered = await waitFor(
        'the queued alert.fired accepted by the sink after the restart',
        () => sink.alerts('alert.fired', incidentId)[0],
        20_000,
      )
      console.info(`hub restart → queued alert.fired accepted: ${delivered.at - restartAt} ms`)

      // The probes come back and keep reporting the target down to the new hub: that
      // must continue the incident, not open and page a new one.
      await waitFor(
        'every region to report to the restarted hub',
        async () => {
          const check = await network.getJson('/api/v1/checks/site')
          return REGIONS.every((region) => check.regions?.[region]?.latest?.at > restartAt)
        },
        30_000,
      )
      // Were the restarted hub to page the outage again, two of the site's failed runs
      // would do it; the marker, down only from now on, needs three.
      await markerTarget.setMode('error')
      await waitFor(
        'the marker alert through the restarted hub',
        () => markerSink.alerts('alert.fired')[0],
        30_000,
      )
      expect(sink.alerts('alert.fired', incidentId)).toHaveLength(1)
      expect(sink.alerts('alert.fired').map((hit) => hit.body.incidentId)).toEqual([incidentId])
      const incidents = await network.getJson('/api/v1/incidents?check=site&kind=down')
      expect(incidents.map((incident: any) => incident.id)).toEqual([incidentId])
      expect(incidents[0].open).toBe(true)
      expect(queuedRows(network.hubDir, incidentId)).not.toContainEqual({
        channel: 'sink',
        state: 'pending',
      })
    },
    TEST_TIMEOUT_MS,
  )
})
