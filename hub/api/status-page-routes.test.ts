import { afterEach, describe, expect, it } from 'vitest'
import { demoConfig, statusHub, T0 } from '../../test/fixtures/status-pages.ts'

const TOKEN = 'op-token-123'
const MIN = 60_000
let hub: ReturnType<typeof statusHub>
afterEach(() => hub?.close())

const html = async (path: string, init?: RequestInit) => {
  const res = await hub.app.request(path, init)
  return { status: res.status, text: await res.text(), headers: res.headers }
}
const json = async (path: string, init?: RequestInit) => {
  const res = await hub.app.request(path, init)
  return { status: res.status, body: (await res.json()) as any, headers: res.headers }
}
const post = (path: string, body: unknown, token = TOKEN) =>
  json(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  })

describe('public status page', () => {
  it('shows components, states and uptime, and nothing internal', async () => {
    hub = statusHub({ config: demoConfig() })
    hub.store({ checkId: 'api', status: 'down', error: { code: 'CONNECT_TIMEOUT', message: 'x' } })
    const page = await html('/status/public')
    expect(page.status).toBe(200)
    expect(page.text).toContain('<h1>Acme status</h1>')
    expect(page.text).toContain('All systems operational')
    expect(page.text).toMatch(/<h4[^>]*>API<\/h4>/)
    expect(page.text).toContain('The public REST API')
    expect(page.text).toContain('<summary>')
    // Targets, check ids, probe ids and raw error codes stay internal.
    for (const secret of ['internal.example.com', 'api-search', 'eu-west-1', 'CONNECT_TIMEOUT']) {
      expect(page.text).not.toContain(secret)
    }
    expect(page.text.match(/<li tabindex="0"/g)).toHaveLength(3 * 90)
    expect(page.text).toContain('rel="alternate" type="application/rss+xml"')
    expect(page.text).toContain('rel="alternate" type="application/atom+xml"')
    expect((await html('/')).text).toContain('<h1>Acme status</h1>')
  })

  it('makes one page of the checks when the monitors file declares none', async () => {
    const { statusPages: _none, ...config } = demoConfig()
    hub = statusHub({ config })
    const summary = (await json('/api/v2/summary.json')).body
    expect(summary.page).toMatchObject({ id: 'status', name: 'Acme status' })
    expect(summary.components.map((c: any) => c.name)).toEqual([
      'API health',
      'api-search',
      'web',
      'db',
    ])
    const page = await html('/status/status')
    expect(page.status).toBe(200)
    expect(page.text).not.toContain('internal.example.com')
  })

  it('shows targets, probes and error codes only where the page opts in', async () => {
    hub = statusHub({
      config: demoConfig({ show: { targets: true, probes: true, errorCodes: true } }),
    })
    hub.setState('db', 'down')
    hub.store({
      checkId: 'db',
      status: 'down',
      probeId: 'eu-west-1',
      error: { code: 'CONNECT_TIMEOUT', message: 'x' },
    })
    const page = (await html('/status/public')).text
    expect(page).toContain('db.internal.example.com:5432')
    expect(page).toContain('Probes: eu-west-1 (eu-west)')
    expect(page).toContain('Error codes: CONNECT_TIMEOUT')
    expect(page).toContain('Not responding')
  })

  it('answers a real 404 for an unknown page, in HTML and JSON', async () => {
    hub = statusHub({ config: demoConfig() })
    expect((await html('/status/nope')).status).toBe(404)
    expect((await json('/status/nope/api/v2/summary.json')).status).toBe(404)
    expect((await json('/status/public/api/v2/nope.json')).status).toBe(404)
    expect((await json('/status/public/badges/nope.svg')).status).toBe(404)
  })

  it('says degraded, not outage, for a certificate about to expire or one failing region', async () => {
    hub = statusHub({ config: demoConfig() })
    hub.setState('web', 'degraded')
    hub.store({
      checkId: 'web',
      status: 'degraded',
      metrics: { certDaysLeft: 5.5 },
      assertions: [{ name: 'certificate days left', ok: false, expected: '>= 14', actual: '5' }],
    })
    let page = await html('/status/public')
    expect(page.text).toContain('<strong>Degraded performance</strong>')
    expect(page.text).toContain('Certificate expires in 5 days')
    expect(page.text).not.toContain('Partial outage')

    hub.setState('web', 'partial')
    page = await html('/status/public')
    expect(page.text).toContain('<strong>Degraded performance</strong>')
    expect(page.text).toContain('Problems in some regions')
  })

  it('shows maintenance in blue words, not a red Down', async () => {
    hub = statusHub({ config: demoConfig() })
    hub.setMaintenance('db', T0 - MIN, T0 + 60 * MIN)
    hub.setState('db', 'down')
    const page = await html('/status/public')
    expect(page.text).toContain('<strong>Maintenance in progress</strong>')
    expect(page.text).toContain('class="st s-under_maintenance"')
    expect(page.text).not.toContain('Major outage')
  })

  it('counts one of two checks down as a partial outage and both as major', async () => {
    hub = statusHub({ config: demoConfig() })
    hub.setState('api', 'down')
    let summary = await json('/api/v2/summary.json')
    expect(summary.body.components.find((c: any) => c.id === 'api').status).toBe('partial_outage')
    expect(summary.body.status).toEqual({
      indicator: 'major',
      description: 'Partial System Outage',
    })
    hub.setState('api-search', 'down')
    summary = await json('/api/v2/summary.json')
    expect(summary.body.components.find((c: any) => c.id === 'api').status).toBe('major_outage')
    expect(summary.body.status.indicator).toBe('critical')
  })
})

describe('Statuspage v2 JSON', () => {
  it('serves every document with ETag, 304 and public caching', async () => {
    hub = statusHub({ config: demoConfig() })
    for (const doc of [
      'summary',
      'status',
      'components',
      'incidents',
      'incidents/unresolved',
      'scheduled-maintenances/upcoming',
      'scheduled-maintenances/active',
    ]) {
      const first = await json(`/status/public/api/v2/${doc}.json`)
      expect(first.status, doc).toBe(200)
      expect(first.body.page).toMatchObject({
        id: 'public',
        name: 'Acme status',
        time_zone: 'Etc/UTC',
      })
      expect(first.headers.get('cache-control')).toBe(
        'public, max-age=30, stale-while-revalidate=60',
      )
      const etag = first.headers.get('etag')!
      const again = await hub.app.request(`/status/public/api/v2/${doc}.json`, {
        headers: { 'if-none-match': etag },
      })
      expect(again.status, doc).toBe(304)
    }
    const components = (await json('/api/v2/components.json')).body.components
    expect(components.map((c: any) => [c.id, c.group, c.group_id])).toEqual([
      ['api', false, 'group-0'],
      ['website', false, null],
      ['database', false, 'group-0'],
      ['group-0', true, null],
    ])
  })

  it('keeps a private page behind the token or its password, uncached and without feeds', async () => {
    hub = statusHub({
      config: demoConfig({ slug: 'team', home: false, access: 'private', password: 'open sesame' }),
      apiToken: TOKEN,
    })
    expect((await html('/')).status).toBe(404)
    const denied = await html('/status/team')
    expect(denied.status).toBe(401)
    expect(denied.text).toContain('type="password"')
    expect(denied.text).not.toContain('Database')
    expect((await json('/status/team/api/v2/summary.json')).status).toBe(401)
    const withToken = await json('/status/team/api/v2/summary.json', {
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    expect(withToken.status).toBe(200)
    expect(withToken.headers.get('cache-control')).toBe('private, no-store')
    expect(
      (await json('/status/team/history.rss', { headers: { authorization: `Bearer ${TOKEN}` } }))
        .status,
    ).toBe(404)

    const wrong = await hub.app.request('/status/team/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'password=nope',
    })
    expect(wrong.status).toBe(401)
    const login = await hub.app.request('/status/team/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'password=open+sesame',
    })
    expect(login.status).toBe(303)
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const page = await html('/status/team', { headers: { cookie } })
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('private, no-store')
    expect(page.text).not.toContain('application/rss+xml')
  })

  it('hides the v1 internals from anonymous callers when the hub has a token', async () => {
    hub = statusHub({ config: demoConfig(), apiToken: TOKEN })
    for (const path of ['/api/v1/checks', '/api/v1/checks/api', '/api/v1/probes', '/internal']) {
      expect((await hub.app.request(path)).status, path).toBe(401)
    }
    const ok = await hub.app.request('/api/v1/checks', {
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    expect(ok.status).toBe(200)
    expect((await hub.app.request('/api/v2/summary.json')).status).toBe(200)
  })
})

describe('incident posts', () => {
  it('opens a post for a confirmed outage, and resolves it on recovery', async () => {
    hub = statusHub({ config: demoConfig() })
    hub.setState('web', 'down')
    hub.pages.pages.syncAutoPosts()
    let unresolved = (await json('/api/v2/incidents/unresolved.json')).body.incidents
    expect(unresolved).toHaveLength(1)
    expect(unresolved[0]).toMatchObject({
      name: 'Website: major outage',
      status: 'investigating',
      impact: 'critical',
      components: [expect.objectContaining({ id: 'website' })],
    })
    hub.pages.pages.syncAutoPosts()
    expect((await json('/api/v2/incidents/unresolved.json')).body.incidents).toHaveLength(1)
    const page = await html('/status/public')
    expect(page.text).toContain('Current incidents')
    expect(page.text).toContain('We are investigating a major outage of Website')

    hub.clock.advance(30 * MIN)
    hub.setState('web', 'up')
    hub.pages.pages.syncAutoPosts()
    unresolved = (await json('/api/v2/incidents/unresolved.json')).body.incidents
    expect(unresolved).toHaveLength(0)
    const all = (await json('/api/v2/incidents.json')).body.incidents
    expect(all[0].status).toBe('resolved')
    expect(all[0].incident_updates.map((u: any) => u.status)).toEqual(['resolved', 'investigating'])
  })

  it('keeps one post per outage however many posts came after it', async () => {
    hub = statusHub({ config: demoConfig() })
    hub.setState('web', 'down')
    hub.pages.pages.syncAutoPosts()
    // More than a page of the post list (50) written since, by people.
    for (let i = 0; i < 60; i++) {
      hub.pages.pages.createPost({
        page: 'public',
        kind: 'incident',
        title: `Note ${i}`,
        impact: 'none',
        status: 'resolved',
        body: 'Nothing to see.',
        components: [],
        at: hub.clock.now() + i,
      })
    }
    hub.pages.pages.syncAutoPosts()
    const open = (await json('/api/v2/incidents/unresolved.json')).body.incidents
    expect(open.map((i: any) => i.name)).toEqual(['Website: major outage'])

    hub.setState('web', 'up')
    hub.pages.pages.syncAutoPosts()
    expect((await json('/api/v2/incidents/unresolved.json')).body.incidents).toHaveLength(0)
  })

  it('waits for a person when the page suggests posts', async () => {
    hub = statusHub({ config: demoConfig({ incidents: 'suggest' }), apiToken: TOKEN })
    hub.setState('web', 'down')
    hub.pages.pages.syncAutoPosts()
    expect((await json('/api/v2/incidents/unresolved.json')).body.incidents).toHaveLength(0)
    const listed = await json('/api/v1/status-pages/public/posts', {
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    expect(listed.body.posts).toHaveLength(1)
    expect(listed.body.posts[0].published).toBe(false)
    await post(`/api/v1/status-pages/public/posts/${listed.body.posts[0].id}/publish`, {})
    expect((await json('/api/v2/incidents/unresolved.json')).body.incidents).toHaveLength(1)
  })

  it('takes posts, updates, backfills and overrides from operators', async () => {
    hub = statusHub({ config: demoConfig(), apiToken: TOKEN })
    const created = await post('/api/v1/status-pages/public/posts', {
      title: 'Slow searches',
      body: 'Searches take seconds.',
      components: ['api'],
      at: '2026-03-10T09:00:00Z',
    })
    expect(created.status).toBe(201)
    const id = created.body.post.id
    const resolved = await post(`/api/v1/status-pages/public/posts/${id}/updates`, {
      status: 'resolved',
      body: 'An index was missing; added.',
      at: '2026-03-10T10:00:00Z',
    })
    expect(resolved.body.post).toMatchObject({
      status: 'resolved',
      resolvedAt: Date.UTC(2026, 2, 10, 10),
    })
    const page = await html('/status/public')
    expect(page.text).toContain('Past incidents')
    expect(page.text).toContain('An index was missing; added.')

    const bad = await post('/api/v1/status-pages/public/posts', {
      title: '',
      body: 'x',
      components: ['nope'],
      status: 'completed',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.errors).toEqual([
      expect.stringMatching(/^title: /),
      'status: a incident post takes one of investigating, identified, monitoring, resolved',
    ])
    const unknown = await post('/api/v1/status-pages/public/posts', {
      title: 't',
      body: 'b',
      components: ['nope'],
    })
    expect(unknown.body.errors).toEqual([
      expect.stringMatching(/^components\[0\]: no component "nope"/),
    ])
    expect(
      (await post('/api/v1/status-pages/public/posts', { title: 't', body: 'b' }, 'wrong')).status,
    ).toBe(401)
    const garbage = await hub.app.request('/api/v1/status-pages/public/posts', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{"title": ',
    })
    expect(garbage.status).toBe(400)

    const override = await hub.app.request(
      '/api/v1/status-pages/public/components/website/override',
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ state: 'degraded_performance', reason: 'Images load slowly' }),
      },
    )
    expect(override.status).toBe(200)
    const summary = (await json('/api/v2/summary.json')).body
    expect(summary.components.find((c: any) => c.id === 'website').status).toBe(
      'degraded_performance',
    )
    expect((await html('/status/public')).text).toContain('Images load slowly')
  })

  it('never says all is well above an open incident, and covers announced maintenance', async () => {
    hub = statusHub({ config: demoConfig(), apiToken: TOKEN })
    await post('/api/v1/status-pages/public/posts', {
      title: 'Slow logins',
      body: 'Looking into it.',
      impact: 'major',
    })
    let summary = (await json('/api/v2/summary.json')).body
    expect(summary.status).toEqual({ indicator: 'major', description: 'Partial System Outage' })
    expect(summary.components.every((c: any) => c.status === 'operational')).toBe(true)
    expect((await html('/')).text).toContain('Slow logins. Updated')

    hub.close()
    hub = statusHub({ config: demoConfig(), apiToken: TOKEN })
    await post('/api/v1/status-pages/public/posts', {
      kind: 'maintenance',
      title: 'Disk swap',
      body: 'Reads only.',
      components: ['database'],
      scheduledFor: new Date(T0 - MIN).toISOString(),
      scheduledUntil: new Date(T0 + 30 * MIN).toISOString(),
    })
    summary = (await json('/api/v2/summary.json')).body
    expect(summary.components.find((c: any) => c.id === 'database').status).toBe(
      'under_maintenance',
    )
    expect(summary.status.indicator).toBe('maintenance')
  })

  it('shows scheduled maintenance ahead and while it runs', async () => {
    hub = statusHub({ config: demoConfig(), apiToken: TOKEN })
    const created = await post('/api/v1/status-pages/public/posts', {
      kind: 'maintenance',
      title: 'Database upgrade',
      body: 'Postgres 17; writes pause for a few minutes.',
      components: ['database'],
      scheduledFor: new Date(T0 + 60 * MIN).toISOString(),
      scheduledUntil: new Date(T0 + 120 * MIN).toISOString(),
    })
    expect(created.status).toBe(201)
    expect(
      (await json('/api/v2/scheduled-maintenances/upcoming.json')).body.scheduled_maintenances,
    ).toHaveLength(1)
    expect((await html('/status/public')).text).toContain('Scheduled maintenance')
    hub.clock.advance(61 * MIN)
    hub.pages.pages.changed()
    const active = (await json('/api/v2/scheduled-maintenances/active.json')).body
      .scheduled_maintenances
    expect(active).toHaveLength(1)
    expect(active[0].status).toBe('in_progress')
    expect((await html('/status/public')).text).toContain('Maintenance in progress')
  })
})

describe('maintenance windows', () => {
  it('announces a window of the monitoring file a week ahead and while it runs', async () => {
    hub = statusHub({ config: demoConfig() })
    hub.addWindow({
      id: 'config-0',
      match: { checks: ['db'] },
      reason: 'Weekly vacuum',
      current: null,
      next: { start: T0 + 2 * 86_400_000, end: T0 + 2 * 86_400_000 + 60 * MIN },
    })
    hub.addWindow({
      id: 'config-1',
      match: { checks: ['api'] },
      reason: 'Only half of the API',
      current: null,
      next: { start: T0 + 86_400_000, end: T0 + 86_400_000 + MIN },
    })
    hub.addWindow({
      id: 'config-2',
      match: { checks: ['web'] },
      current: null,
      next: { start: T0 + 30 * 86_400_000, end: T0 + 30 * 86_400_000 + MIN },
    })
    const upcoming = (await json('/api/v2/scheduled-maintenances/upcoming.json')).body
      .scheduled_maintenances
    // The API's window covers one of its two checks, and the web one is a month away.
    expect(upcoming).toHaveLength(1)
    expect(upcoming[0]).toMatchObject({
      name: 'Weekly vacuum',
      status: 'scheduled',
      components: [expect.objectContaining({ id: 'database' })],
    })
    expect((await html('/status/public')).text).toContain('Weekly vacuum')
  })
})

describe('feeds, badges and live updates', () => {
  it('serves RSS and Atom of the posts', async () => {
    hub = statusHub({ config: demoConfig() })
    hub.pages.pages.createPost({
      page: 'public',
      kind: 'incident',
      title: 'Login <errors> & timeouts',
      impact: 'major',
      status: 'identified',
      body: 'Fixed soon',
      components: ['website'],
      at: T0,
    })
    const rss = await html('/status/public/history.rss')
    expect(rss.headers.get('content-type')).toMatch(/application\/rss\+xml/)
    expect(rss.text).toContain('<rss version="2.0"')
    expect(rss.text).toContain('<title>Login &lt;errors&gt; &amp; timeouts</title>')
    const atom = await html('/status/public/history.atom')
    expect(atom.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom">')
    expect(atom.text).toContain('https://status.example.com/status/public#p-')
  })

  it('draws small badges cached for a minute, and a shields.io endpoint', async () => {
    hub = statusHub({ config: demoConfig() })
    hub.store({ checkId: 'web', durationMs: 120 }, { checkId: 'web', durationMs: 180 })
    for (const name of [
      'status',
      'uptime-24h',
      'uptime-7d',
      'uptime-30d',
      'uptime-90d',
      'p95-24h',
    ]) {
      const res = await hub.app.request(`/status/public/badges/${name}.svg?component=website`)
      const svg = await res.text()
      expect(res.status, name).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/svg+xml')
      expect(res.headers.get('cache-control')).toBe('public, max-age=60')
      expect(Buffer.byteLength(svg), name).toBeLessThan(2048)
      expect(svg).toMatch(/^<svg [^>]*role="img" aria-label="[^"]+"/)
    }
    const p95 = await json('/status/public/badges/p95-24h.json?component=website')
    expect(p95.body).toEqual({
      schemaVersion: 1,
      label: 'Website p95 24h',
      message: '180 ms',
      color: 'brightgreen',
      cacheSeconds: 60,
    })
    expect((await json('/status/public/badges/status.json')).body.message).toBe('operational')
  })

  it('streams a change of the page by server-sent events', async () => {
    hub = statusHub({ config: demoConfig() })
    const controller = new AbortController()
    const res = await hub.app.request('/status/public/events', { signal: controller.signal })
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
    const reader = res.body!.getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    const page = await html('/status/public')
    const etag = /data-etag="([^"]+)"/.exec(page.text)![1]!.replace(/&quot;/g, '"')
    expect(first).toContain(`data: ${etag}`)
    controller.abort()
    await reader.cancel().catch(() => {})
  })
})
