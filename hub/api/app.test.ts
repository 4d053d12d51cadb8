import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CheckResult } from '../../checks/result.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import { validateMonitoring } from '../../checks/validate.ts'
import { silentLogger } from '../../lib/logger.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { ResultStore } from '../store/result-store.ts'
import type { CheckAlertState, Outage } from '../alerts/alert-state.ts'
import type { ProbeInfo } from '../probes/probe-info.ts'
import { createApp, type HubAppDeps } from './app.ts'
import type { CheckDetailView, CheckView } from '../views/check-view.ts'

type CheckPage = { checks: CheckView[]; total: number; nextCursor: string | null }

const MIN = 60_000
const HOUR = 60 * MIN
const NOW = Date.UTC(2026, 0, 1, 12, 0, 30)

function loadChecks(): CheckSpec[] {
  const outcome = validateMonitoring({
    project: 'Acme',
    defaults: { regions: ['eu-west', 'us-east'] },
    checks: [
      {
        kind: 'http',
        id: 'api',
        name: 'Public API',
        url: 'https://api.example.com/health',
        regions: ['eu-west', 'us-east', 'ap-south'],
        tags: ['prod'],
      },
      { kind: 'ping', id: 'gateway', name: 'Gateway', host: 'gw.example.com', every: '30s' },
      {
        kind: 'http',
        id: 'billing',
        name: 'Billing <beta> & "co"',
        url: 'https://billing.example.com/',
      },
    ],
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config.checks
}

/**
 * Two hours of the 'api' check, one run per minute and region at :30: us-east has
 * timed out for the last ten runs, ap-south had one inconclusive run. 'gateway' has
 * half an hour of passing runs; 'billing' has none.
 */
function history(): CheckResult[] {
  const results: CheckResult[] = []
  const first = NOW - 2 * HOUR
  for (let m = 0; m < 120; m++) {
    const scheduledAt = first + m * MIN
    results.push(
      makeResult({
        checkId: 'api',
        region: 'eu-west',
        probeId: 'eu-west-1',
        scheduledAt,
        durationMs: 80,
      }),
    )
    const timedOut = m >= 110
    results.push(
      makeResult({
        checkId: 'api',
        region: 'us-east',
        probeId: 'us-east-1',
        scheduledAt,
        status: timedOut ? 'down' : 'up',
        durationMs: timedOut ? 10_000 : 140,
        ...(timedOut ? { error: { code: 'TIMEOUT', message: 'no response within 10s' } } : {}),
      }),
    )
    results.push(
      makeResult({
        checkId: 'api',
        region: 'ap-south',
        probeId: 'ap-south-1',
        scheduledAt,
        status: m === 90 ? 'inconclusive' : 'up',
        durationMs: 210,
      }),
    )
    if (m >= 90) {
      for (const region of ['eu-west', 'us-east']) {
        results.push(
          makeResult({
            checkId: 'gateway',
            kind: 'ping',
            region,
            probeId: `${region}-1`,
            scheduledAt,
            durationMs: 2_012,
            metrics: { rttAvgMs: 1.5, lossPercent: 0 },
          }),
        )
      }
    }
  }
  return results
}

const ALERT_STATES: Record<string, CheckAlertState> = {
  api: {
    checkId: 'api',
    status: 'partial',
    regions: { 'eu-west': 'passing', 'us-east': 'failing', 'ap-south': 'passing' },
    failingRegions: ['us-east'],
    since: NOW - 9 * MIN,
    incidentId: null,
  },
  gateway: {
    checkId: 'gateway',
    status: 'up',
    regions: { 'eu-west': 'passing', 'us-east': 'passing' },
    failingRegions: [],
    since: NOW - 30 * MIN,
    incidentId: null,
  },
}

/** A confirmed six-minute outage of 'api' 50 minutes ago, and an older one. */
const OUTAGES: Outage[] = [
  {
    incidentId: 'inc-1',
    checkId: 'api',
    startedAt: NOW - 3 * HOUR,
    endedAt: NOW - 3 * HOUR + 5 * MIN,
  },
  { incidentId: 'inc-2', checkId: 'api', startedAt: NOW - 50 * MIN, endedAt: NOW - 44 * MIN },
]

const PROBES: ProbeInfo[] = [
  {
    probeId: 'us-east-1',
    state: 'offline',
    region: 'us-east',
    labels: {},
    capabilities: ['http'],
    version: '0.1.0',
    lastSeen: NOW - 10 * MIN,
  },
  {
    probeId: 'eu-west-1',
    state: 'online',
    region: 'eu-west',
    labels: {},
    capabilities: ['http', 'ping'],
    version: '0.1.0',
    lastSeen: NOW - 5_000,
  },
]

let db: Database
let deps: HubAppDeps

beforeEach(() => {
  db = openDatabase(':memory:')
  const results = new ResultStore(db)
  results.insert(history())
  deps = {
    project: () => 'Acme',
    checks: loadChecks,
    results,
    alertState: (checkId) =>
      ALERT_STATES[checkId] ?? {
        checkId,
        status: 'unknown',
        regions: {},
        failingRegions: [],
        since: null,
        incidentId: null,
      },
    outages: (checkId, from, to) =>
      OUTAGES.filter(
        (o) => o.checkId === checkId && o.startedAt < to && (o.endedAt ?? Infinity) > from,
      ),
    probes: () => PROBES,
    health: () => ({ ok: true, broker: 'connected' }),
    now: () => NOW,
    logger: silentLogger(),
  }
})

afterEach(() => db.close())

async function getJson<T>(
  path: string,
  app = createApp(deps),
): Promise<{ status: number; body: T }> {
  const response = await app.request(path)
  expect(response.headers.get('content-type')).toMatch(/application\/json/)
  return { status: response.status, body: (await response.json()) as T }
}

describe('GET /api/v1/checks', () => {
  it('lists every check with its target, state, latest result per region and availability', async () => {
    const { status, body: page } = await getJson<CheckPage>('/api/v1/checks')

    expect(status).toBe(200)
    const body = page.checks
    expect(body.map((check) => check.id)).toEqual(['api', 'gateway', 'billing'])
    expect(page).toMatchObject({ total: 3, nextCursor: null })
    const [api, gateway, billing] = body
    expect(api).toMatchObject({
      id: 'api',
      name: 'Public API',
      kind: 'http',
      target: 'https://api.example.com/health',
      tags: ['prod'],
      every: '1m',
      enabled: true,
      state: {
        status: 'partial',
        failingRegions: ['us-east'],
        since: NOW - 9 * MIN,
        incidentId: null,
      },
    })
    expect(Object.keys(api!.regions)).toEqual(['eu-west', 'us-east', 'ap-south'])
    expect(api!.regions['us-east']).toEqual({
      state: 'failing',
      latest: {
        status: 'down',
        at: NOW - MIN + 3,
        durationMs: 10_000,
        latencyMs: 10_000,
        error: { code: 'TIMEOUT', message: 'no response within 10s' },
        probeId: 'us-east-1',
      },
    })
    expect(api!.regions['eu-west']?.latest).toMatchObject({
      status: 'up',
      durationMs: 80,
      error: null,
    })
    expect(gateway).toMatchObject({
      kind: 'ping',
      target: 'gw.example.com',
      every: '30s',
      state: { status: 'up' },
    })
    // A ping's latency is its round trip, not the seconds the run spent waiting between packets.
    expect(gateway!.regions['eu-west']?.latest).toMatchObject({ durationMs: 2_012, latencyMs: 1.5 })
    expect(billing!.state.status).toBe('unknown')
    expect(billing!.regions['eu-west']).toEqual({ state: 'unknown', latest: null })
  })

  it('computes availability: time-based overall, count-based per region', async () => {
    const { body } = await getJson<CheckPage>('/api/v1/checks')
    const [api, gateway, billing] = body.checks

    // The rollup minutes of the last hour hold 59 runs per region; us-east failed 10.
    // The 6-minute outage is 10% of the last hour and 5% of the 2 hours monitored.
    expect(api!.availability['1h'].overall).toBeCloseTo(0.9, 9)
    expect(api!.availability['1h'].regions).toEqual({
      'eu-west': 1,
      'us-east': 49 / 59,
      'ap-south': 1,
    })
    expect(api!.availability['24h'].overall).toBeCloseTo(0.95, 9)
    expect(api!.availability['24h'].regions['us-east']).toBeCloseTo(110 / 120, 9)
    expect(gateway!.availability['1h']).toEqual({
      overall: 1,
      regions: { 'eu-west': 1, 'us-east': 1 },
    })
    expect(billing!.availability['24h']).toEqual({
      overall: null,
      regions: { 'eu-west': null, 'us-east': null },
    })
  })
})

describe('GET /api/v1/checks/:id', () => {
  it('adds recent results, the last 60 minutes and outages', async () => {
    const { status, body } = await getJson<CheckDetailView>('/api/v1/checks/api')

    expect(status).toBe(200)
    expect(body.name).toBe('Public API')
    expect(body.recent).toHaveLength(50)
    expect(body.recent[0]!.scheduledAt).toBe(NOW - MIN)
    expect(body.recent[0]!.assertions).toHaveLength(1)
    expect(body.minutes).toHaveLength(60)
    expect(body.minutes[0]!.start).toBe(NOW - 30_000 - 59 * MIN)
    const current = body.minutes.at(-1)!
    expect(current).toMatchObject({ start: NOW - 30_000, status: null, up: 0, down: 0 })
    expect(body.minutes.at(-2)).toMatchObject({ status: 'down', up: 2, down: 1 })
    expect(body.minutes.at(-30)).toMatchObject({ status: 'up', up: 3, down: 0 })
    expect(body.minutes.filter((m) => m.status === 'inconclusive')).toEqual([])
    expect(body.outages.map((o) => o.incidentId)).toEqual(['inc-1', 'inc-2'])
  })

  it('answers 404 with a JSON error for an unknown check', async () => {
    const { status, body } = await getJson('/api/v1/checks/nope')

    expect(status).toBe(404)
    expect(body).toEqual({ error: 'no check "nope"' })
  })
})

describe('GET /api/v1/probes', () => {
  it('lists the probe registry', async () => {
    const { status, body } = await getJson<ProbeInfo[]>('/api/v1/probes')

    expect(status).toBe(200)
    expect(body).toEqual(PROBES)
  })
})

describe('GET /healthz', () => {
  it('answers 200 with the health fields when ok', async () => {
    const { status, body } = await getJson('/healthz')

    expect(status).toBe(200)
    expect(body).toEqual({ ok: true, broker: 'connected' })
  })

  it('answers 503 when not ok', async () => {
    deps.health = () => ({ ok: false, broker: 'disconnected' })

    const { status, body } = await getJson('/healthz')

    expect(status).toBe(503)
    expect(body).toEqual({ ok: false, broker: 'disconnected' })
  })
})

describe('errors', () => {
  it('answers 404 JSON for an unknown route', async () => {
    const { status, body } = await getJson('/api/v1/nothing')

    expect(status).toBe(404)
    expect(body).toEqual({ error: 'no route for GET /api/v1/nothing' })
  })

  it('logs an unexpected error and answers 500 JSON, and keeps serving', async () => {
    const lines: string[] = []
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk))
        done()
      },
    })
    deps.logger = pino({ level: 'error' }, sink)
    deps.alertState = () => {
      throw new Error('alert engine exploded')
    }
    const app = createApp(deps)

    const { status, body } = await getJson('/api/v1/checks', app)

    expect(status).toBe(500)
    expect(body).toEqual({ error: 'internal error; see the hub log' })
    expect(lines.join('')).toMatch(/alert engine exploded/)
    expect(lines.join('')).toMatch(/"path":"\/api\/v1\/checks"/)
    expect((await app.request('/api/v1/probes')).status).toBe(200)
  })
})

describe('GET /internal (the internal view)', () => {
  async function page(): Promise<string> {
    const response = await createApp(deps).request('/internal')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/text\/html/)
    return response.text()
  }

  it('is an HTML document that refreshes itself', async () => {
    const html = await page()

    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html).toContain('<meta http-equiv="refresh" content="10"/>')
    expect(html).toContain('<title>Acme status</title>')
    expect(html).toContain('2026-01-01 12:00:30 UTC')
  })

  it('shows the overall banner and each check with its state', async () => {
    const html = await page()

    expect(html).toMatch(/class="banner partial"[^>]*>.*Partial outage/s)
    expect(html).toContain('1 of 3 checks up')
    expect(html).toContain('Public API')
    expect(html).toContain('Gateway')
    expect(html).toContain('https://api.example.com/health')
    expect(html).toMatch(/<span class="pill partial"[^>]*>Partial<\/span>/)
    expect(html).toMatch(/<span class="pill up"[^>]*>Up<\/span>/)
    expect(html).toMatch(/<span class="pill unknown"[^>]*>Unknown<\/span>/)
  })

  it('shows regions with their last result, availability and a bar of 60 minutes', async () => {
    const html = await page()
    const api = html.slice(html.indexOf('id="check-api"'), html.indexOf('id="check-gateway"'))

    expect(api).toMatch(
      /<li class="region failing"[^>]*title="us-east: failing[^"]*TIMEOUT: no response within 10s"/,
    )
    expect(api).toMatch(/<span class="last down">TIMEOUT<\/span>/)
    expect(api).toMatch(/<span class="last up">80 ms<\/span>/)
    expect(api).toContain('<strong>90.00%</strong>')
    expect(api).toContain('<strong>95.00%</strong>')
    expect(api).toContain('1 h 83.05% · 24 h 91.66%')
    expect(
      api.match(/<span class="(up|degraded|down|inconclusive|none|pending)" title="/g),
    ).toHaveLength(60)
    expect(api.match(/<span class="down" title="/g)).toHaveLength(10)
    expect(api).toContain('<span class="pending" title="12:00 UTC: in progress"></span>')
  })

  it('lists probes with their state and last contact', async () => {
    const html = await page()
    const probes = html.slice(html.indexOf('<table class="probes"'))

    expect(probes.indexOf('eu-west-1')).toBeLessThan(probes.indexOf('us-east-1'))
    expect(probes).toContain('<span class="pill online">Online</span>')
    expect(probes).toContain('<span class="pill offline">Offline</span>')
    expect(probes).toContain('10m ago')
  })

  it('escapes text from the config', async () => {
    const html = await page()

    expect(html).toContain('Billing &lt;beta&gt; &amp; &quot;co&quot;')
    expect(html).not.toContain('<beta>')
  })
})
