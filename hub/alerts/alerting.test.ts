/**
 * The alerting pipeline as the hub wires it (startAlerting), on a real database and
 * real HTTP receivers on loopback: the parts reach each other.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { validateMonitoring, type MonitoringConfig } from '../../checks/validate.ts'
import { ManualClock, systemClock, type Clock } from '../../lib/clock.ts'
import type { CheckResult, CheckStatus } from '../../checks/result.ts'
import type { ProbeInfo } from '../probes/probe-info.ts'
import type { ConfirmRequest } from './engine/confirmations.ts'
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

async function start(
  config: MonitoringConfig,
  options: {
    clock?: Clock
    probes?: ProbeInfo[]
    sendCommand?: (request: ConfirmRequest) => void
  } = {},
) {
  dir = tempDir('vantage-alerting-')
  db = openDatabase(join(dir, 'hub.db'))
  const incidents = new IncidentStore(db)
  alerting = await startAlerting({
    db,
    state: await HubState.open(dir),
    clock: options.clock ?? systemClock,
    logger: silentLogger(),
    incidents,
    config: () => config,
    probes: () => options.probes ?? [],
    sendCommand: options.sendCommand ?? (() => undefined),
  })
  alerting.start()
  return { alerting, incidents }
}

function probe(region: string): ProbeInfo {
  const probeId = `probe-${region}`
  return {
    probeId,
    state: 'online',
    region,
    labels: {},
    capabilities: [],
    version: '1',
    lastSeen: 0,
  }
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

  it('confirms a recovery as it confirms a failure, and puts the runs on the incident', async () => {
    const regions = ['eu-west', 'us-east', 'ap-south']
    const outcome = validateMonitoring({
      defaults: { regions },
      checks: [{ kind: 'http', id: 'api', url: 'https://api.example.com/', every: '1m' }],
    })
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    const clock = new ManualClock(Date.UTC(2026, 2, 1))
    const commands: string[] = []
    const { alerting, incidents } = await start(outcome.config, {
      clock,
      probes: regions.map(probe),
      sendCommand: ({ probeId }) => commands.push(probeId),
    })
    const report = (region: string, status: CheckStatus) => {
      clock.advance(1_000)
      const result: CheckResult = {
        id: `r${clock.now()}${region}`,
        checkId: 'api',
        kind: 'http',
        configVersion: '1',
        probeId: `probe-${region}`,
        region,
        scheduledAt: clock.now(),
        startedAt: clock.now(),
        durationMs: 10,
        status,
        ...(status === 'down' ? { error: { code: 'TIMEOUT', message: 'no response' } } : {}),
        assertions: [],
        trigger: 'schedule',
      }
      alerting.engine.observe(result)
    }
    for (const region of regions) report(region, 'up')
    for (let i = 0; i < 2; i++) for (const region of regions) report(region, 'down')
    const incidentId = alerting.engine.state('api').incidentId!
    expect(alerting.engine.state('api').status).toBe('down')
    commands.length = 0

    // eu-west passes first: it runs again, and so do the regions that still fail.
    report('eu-west', 'up')
    expect(commands).toEqual(['probe-us-east', 'probe-ap-south', 'probe-eu-west'])
    // Each region's answer, then the follow-ups: every region reaches recoverAfter.
    for (const region of regions) report(region, 'up')
    report('us-east', 'up')
    report('ap-south', 'up')
    expect(commands).toEqual([
      'probe-us-east',
      'probe-ap-south',
      'probe-eu-west',
      'probe-us-east',
      'probe-ap-south',
    ])
    expect(alerting.engine.state('api').status).toBe('up')
    const confirmations = incidents
      .get(incidentId)!
      .timeline.filter((entry) => entry.type === 'confirmation')
      .map((entry) => entry.detail)
    expect(confirmations.slice(-4)).toEqual([
      {
        passingRegion: 'eu-west',
        regions: ['us-east', 'ap-south'],
        probes: ['probe-us-east', 'probe-ap-south'],
      },
      { rerun: 'eu-west', recovering: true, probes: ['probe-eu-west'] },
      { rerun: 'us-east', recovering: true, probes: ['probe-us-east'] },
      { rerun: 'ap-south', recovering: true, probes: ['probe-ap-south'] },
    ])
  })
})
