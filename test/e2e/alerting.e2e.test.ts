/**
 * An incident's whole life end to end, with real processes: a hub and three probe
 * processes watch a local target. The target goes down, the webhook gets the alert,
 * reminders follow while nobody reacts, `vantage ack` (a real CLI process) stops
 * them and tells the receiver, the target comes back and the resolve arrives. The
 * incident API then tells the same story in its timeline, and `vantage incidents
 * report` turns it into a review document. A second check that is always down pages
 * a channel of its own with the same reminders: its reminders mark the time passing
 * while the acknowledged incident must stay quiet.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { REGIONS, startNetwork, type Network } from './network.ts'
import { startAlertSink, type AlertSink } from './alert-sink.ts'
import { waitFor } from './processes.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../../bin/vantage.js', import.meta.url))
/** The route's `remindEvery`: short, so that reminders come within the test. */
const REMIND_EVERY_MS = 3_000
const REMIND_EVERY = `${REMIND_EVERY_MS / 1000}s`
/** Startup, a 5 s check interval, reminders, two reminder periods of quiet and a recovery. */
const TEST_TIMEOUT_MS = 90_000

/** Runs `vantage ...` as a user would, without blocking the sink that runs in this process. */
function vantage(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [VANTAGE_BIN, ...args],
      { timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

describe('an incident from the first page to the resolve, with real processes', () => {
  let target: TargetServer
  let sink: AlertSink
  let markerSink: AlertSink
  let network: Network

  beforeAll(async () => {
    target = await startTargetServer()
    sink = await startAlertSink()
    markerSink = await startAlertSink()
    network = await startNetwork({
      name: 'vantage-alerting-',
      regions: REGIONS,
      monitors: {
        project: 'E2E',
        defaults: { regions: REGIONS, every: '5s', timeout: '2s' },
        channels: [
          { type: 'webhook', name: 'sink', url: sink.url },
          { type: 'webhook', name: 'marker', url: markerSink.url },
        ],
        alerting: { groupWait: '1s', notify: ['sink'] },
        routes: [
          { match: { checks: ['site'] }, channels: ['sink'], remindEvery: REMIND_EVERY },
          { match: { checks: ['marker'] }, channels: ['marker'], remindEvery: REMIND_EVERY },
        ],
        checks: [
          {
            kind: 'http',
            id: 'site',
            name: 'Site',
            url: `${target.url}/`,
            alert: { failAfter: 2, recoverAfter: 2 },
          },
          // Nothing listens on port 9: down from the start, and never acknowledged.
          { kind: 'http', id: 'marker', url: 'http://127.0.0.1:9/' },
        ],
      },
    })
  })

  afterAll(async () => {
    await network?.stop()
    await sink?.close()
    await markerSink?.close()
    await target?.close()
  })

  it(
    'pages, reminds until acknowledged, goes quiet after `vantage ack`, resolves, and reports',
    async () => {
      await network.everyRegionUp()

      const downAt = Date.now()
      await target.setMode('error')
      const fired = await waitFor(
        'alert.fired at the webhook sink',
        () => sink.alerts('alert.fired')[0],
        30_000,
      )
      console.info(`target down → alert.fired delivered: ${fired.at - downAt} ms`)
      const incidentId: string = fired.body.incidentId
      expect(incidentId).toMatch(/^\S+$/)
      expect(fired.body.check).toEqual({ id: 'site', name: 'Site' })
      expect(fired.body.regions.length).toBeGreaterThanOrEqual(2)
      expect(fired.body.acknowledgedBy).toBeNull()

      const reminder = await waitFor(
        'an alert.reminder for the unacknowledged incident',
        () => sink.alerts('alert.reminder', incidentId)[0],
        REMIND_EVERY_MS * 4,
      )
      console.info(`alert.fired → first alert.reminder: ${reminder.at - fired.at} ms`)
      expect(reminder.body.acknowledgedBy).toBeNull()

      const ack = await vantage([
        'ack',
        incidentId,
        '--by',
        'e2e',
        '--comment',
        'looking',
        '--hub',
        network.hub.httpUrl,
      ])
      expect(ack.code, ack.stderr).toBe(0)
      expect(ack.stdout).toContain(incidentId)
      expect(ack.stdout).toContain('e2e')

      const acknowledged = await waitFor(
        'alert.acknowledged at the webhook sink',
        () => sink.alerts('alert.acknowledged', incidentId)[0],
        10_000,
      )
      expect(acknowledged.body.acknowledgedBy).toBe('e2e')
      expect(acknowledged.body.comment).toBe('looking')
      const ackedAt: number = (await network.getJson(`/api/v1/incidents/${incidentId}`)).acked.at

      // Two reminder periods with the target still down: an unacknowledged incident
      // would have been reminded twice in that time. The marker's third reminder after
      // the ack shows that they have passed, on the hub's clock and through its notifier.
      await waitFor(
        'three reminders of the marker incident after the ack',
        () =>
          markerSink.alerts('alert.reminder').filter((hit) => Date.parse(hit.body.at) > ackedAt)
            .length >= 3,
        REMIND_EVERY_MS * 5,
      )
      const remindedAfterAck = sink
        .alerts('alert.reminder', incidentId)
        .filter((hit) => Date.parse(hit.body.at) > ackedAt)
      expect(remindedAfterAck.map((hit) => hit.body.at)).toEqual([])

      const upAt = Date.now()
      await target.setMode('ok')
      const resolved = await waitFor(
        'alert.resolved at the webhook sink',
        () => sink.alerts('alert.resolved', incidentId)[0],
        30_000,
      )
      console.info(`target up → alert.resolved delivered: ${resolved.at - upAt} ms`)
      expect(resolved.body.durationMs).toBeGreaterThan(0)
      expect(sink.alerts('alert.fired')).toHaveLength(1)
      expect(sink.hits.filter((hit) => hit.status !== 200)).toEqual([])

      const incident = await network.getJson(`/api/v1/incidents/${incidentId}`)
      expect(incident.acked).toEqual({ by: 'e2e', at: ackedAt })
      expect(incident.open).toBe(false)
      const timeline = incident.timeline as Array<{ at: number; type: string; detail: any }>
      const times = timeline.map((entry) => entry.at)
      expect(times).toEqual([...times].sort((a, b) => a - b))
      const firstOf = (type: string) => timeline.findIndex((entry) => entry.type === type)
      const order = ['fired', 'notification', 'reminder', 'ack', 'resolved'].map(firstOf)
      expect(order, JSON.stringify(timeline.map((entry) => entry.type))).not.toContain(-1)
      expect(order).toEqual([...order].sort((a, b) => a - b))
      expect(timeline[firstOf('ack')]!.detail).toMatchObject({ by: 'e2e', comment: 'looking' })
      expect(
        timeline.some(
          (entry) =>
            entry.type === 'notification' &&
            entry.detail.alert === 'fired' &&
            entry.detail.outcome === 'delivered',
        ),
      ).toBe(true)

      const report = await vantage([
        'incidents',
        'report',
        incidentId,
        '--hub',
        network.hub.httpUrl,
      ])
      expect(report.code, report.stderr).toBe(0)
      expect(report.stdout).toMatch(/^## Customer impact$/m)
      expect(report.stdout).toMatch(/^## Timeline$/m)
    },
    TEST_TIMEOUT_MS,
  )
})
