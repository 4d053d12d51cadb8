/**
 * The incident API on a real IncidentStore and real result tables (SQLite in memory):
 * filters, the detail view, the Markdown report, and who may acknowledge. One test
 * goes over real HTTP on loopback, where a hub without a token takes acks.
 */
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_SLO } from '../../checks/alerting.ts'
import type { CheckResult } from '../../checks/result.ts'
import { ManualClock } from '../../lib/clock.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { computeImpact, incidentSamples } from '../incidents/incident-impact.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { IncidentResults } from '../incidents/incident-results.ts'
import { ResultStore } from '../store/result-store.ts'
import type { IncidentDetail, IncidentListItem } from './contract.ts'
import {
  incidentRoutes,
  type AcknowledgeOutcome,
  type IncidentRouteDeps,
} from './incident-routes.ts'

const MIN = 60_000
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0)
const TOKEN = 'test-api-token'
const timeout = { code: 'TIMEOUT', message: 'no answer in 10s' }

let db: Database
let incidents: IncidentStore
let store: ResultStore
let clock: ManualClock
const servers: ServerType[] = []

beforeEach(() => {
  db = openDatabase(':memory:')
  incidents = new IncidentStore(db)
  store = new ResultStore(db)
  clock = new ManualClock(T0 + 60 * MIN)
})

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  )
  db.close()
})

/** What the dispatcher's acknowledge answers, on the same store (the dispatcher is tested apart). */
function acknowledge(id: string, by: string, comment?: string): AcknowledgeOutcome {
  const incident = incidents.get(id)
  if (!incident) return { ok: false, status: 404, error: `no incident "${id}"` }
  if (incident.endedAt !== null) return { ok: false, status: 409, error: 'already resolved' }
  if (!incidents.acknowledge(id, clock.now(), by)) {
    return { ok: false, status: 409, error: `already acknowledged by ${incident.ackedBy}` }
  }
  incidents.addEvent(id, clock.now(), 'ack', { by, comment })
  return { ok: true, incident: incidents.get(id)! }
}

function app(overrides: Partial<IncidentRouteDeps> = {}) {
  const results = new IncidentResults(db)
  return incidentRoutes({
    incidents,
    impact: (incident) =>
      computeImpact(incident, {
        results,
        slo: DEFAULT_SLO,
        outages: (checkId, from, to) => incidents.outages(checkId, from, to),
        now: clock.now(),
      }),
    samples: (incident, limit) => incidentSamples(results, incident, limit, clock.now()),
    acknowledge,
    describe: (id) => ({ incidentId: id, channels: ['ops'] }),
    project: () => 'Acme',
    checkName: (checkId) => (checkId === 'api' ? 'API health' : undefined),
    now: () => clock.now(),
    ...overrides,
  })
}

function down(minute: number, region: string): CheckResult {
  return makeResult({
    checkId: 'api',
    region,
    scheduledAt: T0 + minute * MIN + 500,
    status: 'down',
    error: timeout,
  })
}

/** An ended outage of api, an open one of api, and an open probe incident. */
function history() {
  store.insert([down(0, 'eu-west'), down(0, 'us-east'), down(1, 'eu-west')])
  const ended = incidents.open({
    checkId: 'api',
    at: T0,
    regions: ['eu-west', 'us-east'],
    firstError: timeout,
  })
  incidents.addEvent(ended, T0, 'fired', { regions: ['eu-west', 'us-east'], quorum: 2 })
  incidents.resolve(ended, T0 + 5 * MIN)
  incidents.addEvent(ended, T0 + 5 * MIN, 'resolved', { durationMs: 5 * MIN })
  const probe = incidents.open({
    kind: 'probe',
    checkId: 'probe:eu-west-1',
    at: T0 + 10 * MIN,
    regions: ['eu-west'],
    firstError: null,
  })
  const open = incidents.open({
    checkId: 'api',
    at: T0 + 30 * MIN,
    regions: ['eu-west'],
    firstError: timeout,
  })
  return { ended, probe, open }
}

const ackRequest = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})

describe('GET /api/v1/incidents', () => {
  it('lists incidents newest first with what a list needs', async () => {
    const { ended, probe, open } = history()

    const response = await app().request('/api/v1/incidents')
    const list = (await response.json()) as IncidentListItem[]

    expect(response.status).toBe(200)
    expect(list.map((item) => item.id)).toEqual([open, probe, ended])
    expect(list[2]).toEqual({
      id: ended,
      kind: 'down',
      check: 'api',
      name: 'API health',
      start: T0,
      end: T0 + 5 * MIN,
      open: false,
      durationMs: 5 * MIN,
      regions: ['eu-west', 'us-east'],
      firstError: timeout,
      acked: null,
      closedReason: null,
    })
    expect(list[0]).toMatchObject({ open: true, end: null, durationMs: 30 * MIN })
    expect(list[1]).toMatchObject({ kind: 'probe', name: 'probe:eu-west-1' })
  })

  it('filters by check, open, kind, since and limit', async () => {
    const { ended, probe, open } = history()
    const ids = async (query: string) =>
      (
        (await (await app().request(`/api/v1/incidents?${query}`)).json()) as IncidentListItem[]
      ).map((item) => item.id)

    expect(await ids('check=api')).toEqual([open, ended])
    expect(await ids('check=api&open=true')).toEqual([open])
    expect(await ids('open=false')).toEqual([ended])
    expect(await ids('kind=probe')).toEqual([probe])
    expect(await ids(`since=${T0 + MIN}`)).toEqual([open, probe])
    expect(await ids('limit=1')).toEqual([open])
  })

  it('refuses a bad query with what is wrong', async () => {
    for (const query of ['limit=0', 'limit=abc', 'open=yes', 'kind=outage', 'colour=red']) {
      const response = await app().request(`/api/v1/incidents?${query}`)
      expect(response.status, query).toBe(400)
      expect(((await response.json()) as { errors: string[] }).errors.length).toBeGreaterThan(0)
    }
  })
})

describe('GET /api/v1/incidents/:id', () => {
  it('shows the incident with its timeline, impact, samples and notifications', async () => {
    const { ended } = history()

    const response = await app().request(`/api/v1/incidents/${ended}`)
    const detail = (await response.json()) as IncidentDetail

    expect(response.status).toBe(200)
    expect(detail).toMatchObject({ id: ended, name: 'API health', durationMs: 5 * MIN })
    expect(detail.timeline.map((entry) => entry.type)).toEqual(['fired', 'resolved'])
    expect(detail.impact).toMatchObject({
      durationMs: 5 * MIN,
      failedRuns: 3,
      totalRuns: 3,
      regions: ['eu-west', 'us-east'],
    })
    expect(detail.impact.errorBudget.consumedShare).toBeCloseTo(5 / 43.2, 6)
    expect(detail.samples.map((sample) => sample.region)).toEqual(['eu-west', 'us-east', 'eu-west'])
    expect(detail.notifications).toEqual({ incidentId: ended, channels: ['ops'] })
  })

  it('answers 404 with JSON for an unknown incident, on every route', async () => {
    history()
    for (const path of ['/api/v1/incidents/nope', '/api/v1/incidents/nope/report']) {
      const response = await app().request(path)
      expect(response.status).toBe(404)
      expect(await response.json()).toEqual({ error: 'no incident "nope"' })
    }
  })

  it('shows null notifications when the hub has no dispatcher bookkeeping', async () => {
    const { open } = history()
    const detail = (await (
      await app({ describe: undefined }).request(`/api/v1/incidents/${open}`)
    ).json()) as IncidentDetail
    expect(detail.notifications).toBeNull()
  })
})

describe('GET /api/v1/incidents/:id/report', () => {
  it("ends with a browser check's evidence, linked from the hub the reader asked", async () => {
    const { ended } = history()
    const response = await app({
      evidence: (incident, base) =>
        `## Evidence\n\n- [final.png](${base}/api/v1/artifacts/R/final.png) of ${incident.checkId}\n`,
    }).request(`http://hub.example.com/api/v1/incidents/${ended}/report`)
    const markdown = await response.text()
    expect(
      markdown
        .trimEnd()
        .endsWith(
          '## Evidence\n\n- [final.png](http://hub.example.com/api/v1/artifacts/R/final.png) of api',
        ),
    ).toBe(true)
  })

  it('serves the correction-of-error report as Markdown', async () => {
    const { ended } = history()

    const response = await app().request(`/api/v1/incidents/${ended}/report`)
    const markdown = await response.text()

    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8')
    expect(markdown.split('\n')[0]).toBe(`# Incident report: API health was DOWN (${ended})`)
    expect(markdown).toContain('Project Acme')
    for (const heading of [
      '## Summary',
      '## Customer impact',
      '## Timeline',
      '## Sample results',
      '## Root cause and contributing factors',
      '## Corrective actions',
      '## Lessons learned',
    ]) {
      expect(markdown).toContain(`\n${heading}\n`)
    }
    expect(markdown).toContain('| 2026-03-01 12:05:00 | Resolved | after 5m |')
    expect(markdown).toContain('**Failed runs:** 3 of 3 conclusive runs')
  })
})

describe('POST /api/v1/incidents/:id/ack', () => {
  const auth = { authorization: `Bearer ${TOKEN}` }

  it('acknowledges with the token, by "api" unless told, and refuses a second ack', async () => {
    const { open } = history()
    const hub = app({ apiToken: TOKEN })

    const first = await hub.request(`/api/v1/incidents/${open}/ack`, ackRequest({}, auth))
    expect(first.status).toBe(200)
    expect(await first.json()).toMatchObject({ id: open, acked: { by: 'api', at: clock.now() } })

    const second = await hub.request(
      `/api/v1/incidents/${open}/ack`,
      ackRequest({ by: 'bob' }, auth),
    )
    expect(second.status).toBe(409)
    expect(await second.json()).toEqual({ error: 'already acknowledged by api' })
  })

  it('passes who and why on to the dispatcher', async () => {
    const { open } = history()

    const response = await app({ apiToken: TOKEN }).request(
      `/api/v1/incidents/${open}/ack`,
      ackRequest({ by: ' alice ', comment: 'looking at the db' }, auth),
    )

    expect(response.status).toBe(200)
    expect(incidents.get(open)).toMatchObject({ ackedBy: 'alice' })
    expect(incidents.get(open)?.timeline.at(-1)?.detail).toEqual({
      by: 'alice',
      comment: 'looking at the db',
    })
  })

  it('answers 404 for an unknown incident and 409 for a resolved one', async () => {
    const { ended } = history()
    const hub = app({ apiToken: TOKEN })

    expect((await hub.request('/api/v1/incidents/nope/ack', ackRequest({}, auth))).status).toBe(404)
    const resolved = await hub.request(`/api/v1/incidents/${ended}/ack`, ackRequest({}, auth))
    expect(resolved.status).toBe(409)
    expect(await resolved.json()).toEqual({ error: 'already resolved' })
  })

  it('needs the token when the hub has one', async () => {
    const { open } = history()
    const hub = app({ apiToken: TOKEN })

    const missing = await hub.request(`/api/v1/incidents/${open}/ack`, ackRequest({}))
    const wrong = await hub.request(
      `/api/v1/incidents/${open}/ack`,
      ackRequest({}, { authorization: 'Bearer nope' }),
    )

    for (const response of [missing, wrong]) {
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe('Bearer')
      expect(((await response.json()) as { error: string }).error).toMatch(/API token/)
    }
    expect(incidents.get(open)?.ackedAt).toBeNull()
  })

  it('takes acks only from the hub machine when the hub has no token', async () => {
    const { open } = history()
    const hub = app()

    // app.request has no socket, so the caller is not known to be local.
    const remote = await hub.request(`/api/v1/incidents/${open}/ack`, ackRequest({}))
    expect(remote.status).toBe(403)

    const server = serve({ fetch: hub.fetch, port: 0, hostname: '127.0.0.1' })
    servers.push(server)
    await new Promise((resolve) => server.once('listening', resolve))
    const { port } = server.address() as AddressInfo
    const local = await fetch(
      `http://127.0.0.1:${port}/api/v1/incidents/${open}/ack`,
      ackRequest({ by: 'carol' }),
    )
    expect(local.status).toBe(200)
    expect(incidents.get(open)?.ackedBy).toBe('carol')
  })

  it('refuses a body that is not JSON or not an ack', async () => {
    const { open } = history()
    const hub = app({ apiToken: TOKEN })
    const path = `/api/v1/incidents/${open}/ack`

    const notJson = await hub.request(path, ackRequest('{by:', auth))
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as { error: string }).error).toMatch(/not JSON/)

    const unknownField = await hub.request(path, ackRequest({ who: 'alice' }, auth))
    expect(unknownField.status).toBe(400)
    const emptyBy = await hub.request(path, ackRequest({ by: '' }, auth))
    expect(emptyBy.status).toBe(400)
    const notAnObject = await hub.request(path, ackRequest([1], auth))
    expect(notAnObject.status).toBe(400)

    const plain = await hub.request(path, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...auth },
      body: '{}',
    })
    expect(plain.status).toBe(415)
    expect(incidents.get(open)?.ackedAt).toBeNull()
  })
})
