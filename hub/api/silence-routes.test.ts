import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import type { Hono } from 'hono'
import { beforeEach, describe, expect, it } from 'vitest'
import type { MaintenanceWindowConfig } from '../../checks/alerting.ts'
import { ManualClock } from '../../lib/clock.ts'
import { Silences } from '../silences/silences.ts'
import { HubState } from '../store/hub-state.ts'
import { silenceRoutes } from './silence-routes.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'

const TOKEN = 'test-api-token'
const AUTH = { authorization: `Bearer ${TOKEN}` }
const JSON_TYPE = { 'content-type': 'application/json' }
const HOUR = 3_600_000
const T0 = Date.UTC(2026, 0, 1)

let dir: string
let clock: ManualClock
let silences: Silences
let maintenance: MaintenanceWindowConfig[]

beforeEach(async () => {
  dir = tempDir('vantage-silence-routes-')
  clock = new ManualClock(T0)
  maintenance = []
  const config = () => ({ project: 'Acme', channels: [], checks: [], maintenance })
  silences = await Silences.open(await HubState.open(dir), { clock, config })
})

async function call(
  app: Hono,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = AUTH,
): Promise<{ status: number; body: Record<string, any> }> {
  const response = await app.request(path, {
    method,
    headers: body === undefined ? headers : { ...JSON_TYPE, ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, any> }
}

describe('access', () => {
  it('needs the token for writes when the hub has one, but not for reading', async () => {
    const app = silenceRoutes({ silences, apiToken: TOKEN })
    const body = { match: { checks: ['api'] }, for: '1h' }
    for (const path of ['/api/v1/silences', '/api/v1/maintenance']) {
      const refused = await call(app, 'POST', path, body, {})
      expect(refused.status).toBe(401)
      expect(refused.body.error).toContain('Authorization: Bearer')
      expect((await call(app, 'POST', path, body, { authorization: 'Bearer nope' })).status).toBe(
        401,
      )
      expect((await call(app, 'DELETE', `${path}/x`, undefined, {})).status).toBe(401)
      expect((await call(app, 'GET', path, undefined, {})).status).toBe(200)
    }
    expect(silences.list()).toEqual([])
    expect((await call(app, 'POST', '/api/v1/silences', body)).status).toBe(201)
  })

  it('takes writes from this machine only when the hub has no token', async () => {
    const app = silenceRoutes({ silences })
    // app.request has no socket, so nothing shows the client is local.
    expect((await call(app, 'POST', '/api/v1/silences', {}, {})).status).toBe(403)

    const server: ServerType = await new Promise((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve(started),
      )
    })
    try {
      const { port } = server.address() as AddressInfo
      const post = (headers: Record<string, string>) =>
        fetch(`http://127.0.0.1:${port}/api/v1/silences`, {
          method: 'POST',
          headers: { ...JSON_TYPE, ...headers },
          body: JSON.stringify({ match: { checks: ['api'] }, for: '1h' }),
        })
      expect((await post({})).status).toBe(201)
      // Through a proxy every visitor looks local, so a forwarded request is refused.
      expect((await post({ 'x-forwarded-for': '203.0.113.9' })).status).toBe(403)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('silences', () => {
  it('creates, lists and removes a silence', async () => {
    const app = silenceRoutes({ silences, apiToken: TOKEN })
    const created = await call(app, 'POST', '/api/v1/silences', {
      match: { tags: ['payments'] },
      for: '2h',
      reason: 'card processor migration',
      createdBy: 'alice',
    })
    expect(created.status).toBe(201)
    expect(created.body.window).toMatchObject({
      kind: 'silence',
      match: { tags: ['payments'] },
      start: T0,
      end: T0 + 2 * HOUR,
      createdBy: 'alice',
      active: true,
    })
    const id = created.body.window.id as string

    const listed = await call(app, 'GET', '/api/v1/silences')
    expect(listed.body.windows.map((w: { id: string }) => w.id)).toEqual([id])
    expect((await call(app, 'GET', '/api/v1/maintenance')).body.windows).toEqual([])

    clock.advance(3 * HOUR)
    expect((await call(app, 'GET', '/api/v1/silences?active=true')).body.windows).toEqual([])
    expect((await call(app, 'GET', '/api/v1/silences?active=false')).body.windows).toHaveLength(1)

    const removed = await call(app, 'DELETE', `/api/v1/silences/${id}`)
    expect(removed).toMatchObject({ status: 200, body: { removed: { id } } })
    expect((await call(app, 'DELETE', `/api/v1/silences/${id}`)).status).toBe(404)
    expect(silences.list()).toEqual([])
  })

  it('records "api" as the author when the body names none', async () => {
    const app = silenceRoutes({ silences, apiToken: TOKEN })
    const created = await call(app, 'POST', '/api/v1/silences', {
      match: { checks: ['api'] },
      for: '1h',
    })
    expect(created.body.window.createdBy).toBe('api')
  })
})

describe('maintenance', () => {
  it('creates a recurring window, and keeps silence and maintenance ids apart', async () => {
    const app = silenceRoutes({ silences, apiToken: TOKEN })
    const created = await call(app, 'POST', '/api/v1/maintenance', {
      match: { tags: ['db'] },
      cron: '0 2 * * 0',
      duration: '1h',
    })
    expect(created.status).toBe(201)
    expect(created.body.window).toMatchObject({
      kind: 'maintenance',
      active: false,
      next: { start: Date.UTC(2026, 0, 4, 2), end: Date.UTC(2026, 0, 4, 3) },
    })
    const id = created.body.window.id as string
    expect((await call(app, 'DELETE', `/api/v1/silences/${id}`)).status).toBe(404)
    expect((await call(app, 'DELETE', `/api/v1/maintenance/${id}`)).status).toBe(200)
  })

  it('refuses to remove a window of the monitoring file', async () => {
    maintenance = [
      { match: { tags: ['db'] }, start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' },
    ]
    const app = silenceRoutes({ silences, apiToken: TOKEN })
    const listed = await call(app, 'GET', '/api/v1/maintenance?active=true')
    expect(listed.body.windows).toMatchObject([{ id: 'config-0', readOnly: true, active: true }])

    const refused = await call(app, 'DELETE', '/api/v1/maintenance/config-0')
    expect(refused.status).toBe(409)
    expect(refused.body.error).toContain('monitoring file')
  })
})

describe('bad requests', () => {
  it('answers 400 listing every error, never 500', async () => {
    const app = silenceRoutes({ silences, apiToken: TOKEN })
    const refused = await call(app, 'POST', '/api/v1/silences', {
      match: { checks: 'api' },
      cron: '0 2 * *',
      reason: 42,
    })
    expect(refused.status).toBe(400)
    expect(refused.body.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^match\.checks: /),
        expect.stringMatching(/^cron: .*five/),
        expect.stringMatching(/^reason: /),
      ]),
    )

    for (const body of ['null', '[]', '"2h"', '42']) {
      const answer = await call(app, 'POST', '/api/v1/silences', body)
      expect(answer.status, body).toBe(400)
      expect(answer.body.errors.length, body).toBeGreaterThan(0)
    }
    expect((await call(app, 'POST', '/api/v1/silences', '{not json')).status).toBe(400)
    expect((await call(app, 'GET', '/api/v1/silences?active=yes')).status).toBe(400)
  })

  it('answers 400 with the allowed range for a window past any date, and lists the rest', async () => {
    const app = silenceRoutes({ silences, apiToken: TOKEN })
    const forever = { match: { checks: ['api'] }, for: '99999999999999999999h' }
    const silence = await call(app, 'POST', '/api/v1/silences', forever)
    expect(silence.status).toBe(400)
    expect(silence.body.errors).toEqual([
      'for: a silence lasts at most 1 year (365d), not 99999999999999999999h',
    ])
    const window = await call(app, 'POST', '/api/v1/maintenance', forever)
    expect(window.status).toBe(400)
    expect(window.body.errors).toEqual([
      'for: a maintenance window lasts at most 5 years (1825d), not 99999999999999999999h',
    ])
    const listed = await call(app, 'GET', '/api/v1/silences')
    expect(listed).toEqual({ status: 200, body: { windows: [] } })
  })

  it('refuses a body of another kind than the route, and bodies that are not JSON', async () => {
    const app = silenceRoutes({ silences, apiToken: TOKEN })
    const wrongKind = await call(app, 'POST', '/api/v1/silences', {
      kind: 'maintenance',
      match: { checks: ['api'] },
      for: '1h',
    })
    expect(wrongKind.status).toBe(400)
    expect(wrongKind.body.errors).toEqual([
      'kind: this route makes silences; use /api/v1/maintenance',
    ])

    const form = await app.request('/api/v1/silences', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'match=api',
    })
    expect(form.status).toBe(415)
    expect(silences.list()).toEqual([])
  })
})
