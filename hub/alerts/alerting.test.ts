/**
 * The alerting pipeline as the hub wires it (startAlerting), on a real database and
 * real HTTP receivers on loopback: the parts reach each other.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { validateMonitoring, type MonitoringConfig } from '../../checks/validate.ts'
import { systemClock } from '../../lib/clock.ts'
import { silentLogger } from '../../lib/logger.ts'
import { startAlerting, type Alerting } from './alerting.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import { startWebhookSink, type WebhookSink } from '../../test/fixtures/scripted-http-sink.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { HubState } from '../store/hub-state.ts'
import { openDatabase, type Database } from '../store/database.ts'

let dir: string
let db: Database
let alerting: Alerting | undefined
const sinks: WebhookSink[] = []

afterEach(async () => {
  await alerting?.close()
  db?.close()
  await Promise.all(sinks.splice(0).map((sink) => sink.close()))
})

async function start(config: MonitoringConfig) {
  dir = tempDir('vantage-alerting-')
  db = openDatabase(join(dir, 'hub.db'))
  const incidents = new IncidentStore(db)
  alerting = await startAlerting({
    db,
    state: await HubState.open(dir),
    clock: systemClock,
    logger: silentLogger(),
    incidents,
    config: () => config,
    probes: () => [],
    sendCommand: () => undefined,
  })
  alerting.start()
  return { alerting, incidents }
}

describe('startAlerting', () => {
  it('raises a channel alert on the other channels when a channel keeps failing', async () => {
    const broken = await startWebhookSink([500])
    const healthy = await startWebhookSink([200])
    sinks.push(broken, healthy)
    const outcome = validateMonitoring({
      defaults: { regions: ['eu-west', 'us-east'] },
      channels: [
        { type: 'webhook', name: 'broken', url: broken.url },
        { type: 'webhook', name: 'healthy', url: healthy.url },
      ],
      alerting: { groupWait: '100ms', channelFailingAfter: 1 },
      checks: [{ kind: 'http', id: 'api', url: 'https://api.example.com/' }],
    })
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    const { alerting, incidents } = await start(outcome.config)

    const at = Date.now()
    const incidentId = incidents.open({
      checkId: 'api',
      at,
      regions: ['eu-west'],
      firstError: null,
    })
    alerting.dispatcher.handle({
      type: 'fired',
      incidentId,
      checkId: 'api',
      checkName: 'api',
      at,
      regions: ['eu-west', 'us-east'],
      quorum: 2,
      firstError: null,
      tags: [],
    })

    // The check alert reaches both; the broken channel's failure then pages on the healthy one.
    await healthy.received(2)
    const bodies = healthy.requests.map((request) => JSON.parse(request.body))
    expect(bodies.map((body) => [body.type, body.subject])).toEqual([
      ['alert.fired', 'check'],
      ['alert.fired', 'channel'],
    ])
    expect(bodies[1].check.id).toBe('channel:broken')
    expect(broken.requests.length).toBeGreaterThanOrEqual(1)
    expect(alerting.notifier.channelHealth().find((c) => c.name === 'broken')).toMatchObject({
      state: 'failing',
    })
    expect(incidents.openFor('channel:broken', 'channel')).not.toBeNull()
  })
})
