/**
 * The alerting routes and page sections as the hub mounts them: createApp with the real
 * alerting pipeline (startAlerting) on a real database and state directory.
 */
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { validateMonitoring, type MonitoringConfig } from '../../checks/validate.ts'
import { ManualClock } from '../../lib/clock.ts'
import { silentLogger } from '../../lib/logger.ts'
import { startAlerting, type Alerting } from '../alerts/alerting.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import { HubState } from '../store/hub-state.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { ResultStore } from '../store/result-store.ts'
import { createApp } from './app.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0)

function config(): MonitoringConfig {
  const outcome = validateMonitoring({
    project: 'Acme',
    defaults: { regions: ['eu-west', 'us-east', 'ap-south'] },
    checks: [
      { kind: 'http', id: 'api', name: 'Public API', url: 'https://api.example.com/' },
      { kind: 'http', id: 'db', url: 'https://db.example.com/', tags: ['db'] },
    ],
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config
}

let dir: string
let db: Database
let alerting: Alerting
let incidents: IncidentStore

beforeEach(async () => {
  dir = tempDir('vantage-app-alerting-')
  db = openDatabase(join(dir, 'hub.db'))
  incidents = new IncidentStore(db)
  const clock = new ManualClock(NOW)
  const running = config()
  alerting = await startAlerting({
    db,
    state: await HubState.open(dir),
    clock,
    logger: silentLogger(),
    incidents,
    config: () => running,
    probes: () => [],
    sendCommand: () => undefined,
  })
})

afterEach(async () => {
  await alerting.close()
  db.close()
})

function app() {
  const { engine, silences, notifier, incidentRoutes } = alerting
  return createApp({
    project: () => 'Acme',
    checks: () => config().checks,
    results: new ResultStore(db),
    alertState: (checkId) => engine.state(checkId),
    outages: (checkId, from, to) => incidents.outages(checkId, from, to),
    probes: () => [],
    health: () => ({ ok: true }),
    now: () => NOW,
    logger: silentLogger(),
    maintenanceWindows: (check, from, to) => silences.maintenanceWindows(check, from, to),
    alerting: {
      incidents: incidentRoutes,
      silences,
      channelHealth: () => notifier.channelHealth(),
      regions: () => engine.regionStates(),
    },
  })
}

describe('the hub app with alerting', () => {
  it('lists open and recent outages on the status page, and marks checks in maintenance', async () => {
    const open = incidents.open({
      checkId: 'api',
      at: NOW - 5 * 60_000,
      regions: ['eu-west', 'us-east'],
      firstError: { code: 'HTTP_STATUS', message: 'status 503' },
    })
    incidents.open({
      kind: 'probe',
      checkId: 'probe:eu-west-1',
      at: NOW,
      regions: [],
      firstError: null,
    })
    const created = await alerting.silences.create(
      { kind: 'maintenance', match: { tags: ['db'] }, for: '1h', reason: 'vacuum' },
      'test',
    )
    expect(created.ok).toBe(true)

    const html = await (await app().request('/internal')).text()
    const section = html.slice(html.indexOf('<h2>Incidents</h2>'), html.indexOf('<h2>Probes</h2>'))
    expect(section).toContain('Public API')
    expect(section).toContain('<span class="pill down">Ongoing</span>')
    expect(section).toContain('HTTP_STATUS')
    expect(section).not.toContain('probe:eu-west-1')
    const db = html.slice(html.indexOf('id="check-db"'))
    expect(db).toContain('>Maintenance</span>')
    expect(html.slice(html.indexOf('id="check-api"'), html.indexOf('id="check-db"'))).not.toContain(
      '>Maintenance</span>',
    )
    expect((await (await app().request(`/api/v1/incidents/${open}`)).json()).check).toBe('api')
  })

  it('serves channel health and region connectivity', async () => {
    const channels = await (await app().request('/api/v1/channels')).json()
    expect(channels).toEqual([expect.objectContaining({ name: 'console', type: 'console' })])
    const regions = await (await app().request('/api/v1/regions')).json()
    expect(regions.map((r: { region: string }) => r.region).sort()).toEqual([
      'ap-south',
      'eu-west',
      'us-east',
    ])
  })
})
