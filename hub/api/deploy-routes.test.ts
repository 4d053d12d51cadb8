/**
 * The deploy API over real HTTP to an in-process hub on loopback: who may deploy,
 * what a bad upload gets back, and that a deploy reaches every part of the hub that
 * reads the config (the retained bundle, the check list, heartbeats, incidents).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openBundle } from '../../checks/bundle.ts'
import { heartbeat, http } from '../../checks/define.ts'
import { waitFor } from '../../test/e2e/processes.ts'
import { connectClient } from '../../test/fixtures/mqtt-clients.ts'
import { startTestHub, type TestHub } from '../../test/fixtures/test-hub.ts'
import type { HubOptions } from '../hub.ts'
import { MAX_DEPLOY_BODY_BYTES } from './deploy-routes.ts'

const CONFIG = 'vantage/v1/config'
const TOKEN = 'test-api-token'
const auth = { authorization: `Bearer ${TOKEN}` }

const MONITORS = {
  project: 'Acme',
  defaults: { regions: ['eu-west'] },
  channels: [
    {
      type: 'webhook',
      name: 'ops',
      url: 'http://127.0.0.1:9/hook',
      headers: { 'x-key': 's3cr3t' },
    },
  ],
  checks: [http('api', { url: 'http://127.0.0.1:9/health', expect: { status: 200 } })],
}

const CHANGED = {
  ...MONITORS,
  checks: [
    http('api', { url: 'http://127.0.0.1:9/health', every: '30s', expect: { status: [200, 204] } }),
    http('shop', { url: 'http://127.0.0.1:9/shop' }),
    heartbeat('nightly-backup', { every: '1d' }),
  ],
}

const hubs: TestHub[] = []
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()))
})

async function start(options: Partial<HubOptions> = { apiToken: TOKEN }): Promise<TestHub> {
  const hub = await startTestHub(MONITORS, options)
  hubs.push(hub)
  return hub
}

interface Answer {
  status: number
  body: Record<string, any>
}

async function call(
  hub: TestHub,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = auth,
): Promise<Answer> {
  const response = await fetch(`${hub.httpUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, any> }
}

const deploy = (hub: TestHub, body: unknown, headers?: Record<string, string>) =>
  call(hub, 'POST', '/api/v1/deploys', body, headers)

describe('deploy API access', () => {
  it('needs the API token on every route when the hub has one', async () => {
    const hub = await start()
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/v1/config'],
      ['GET', '/api/v1/deploys'],
      ['POST', '/api/v1/deploys', { config: CHANGED }],
      ['POST', '/api/v1/deploys/rollback', { version: hub.live.deployed().bundle.version }],
    ]
    for (const [method, path, body] of routes) {
      const wrong: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }]
      for (const headers of wrong) {
        const answer = await call(hub, method, path, body, headers)
        expect(answer.status, `${method} ${path}`).toBe(401)
        expect(answer.body.error).toMatch(/API token.*--token/)
      }
      expect((await call(hub, method, path, body)).status, `${method} ${path}`).toBe(200)
    }
  })

  it('takes deploys only from the hub machine when the hub has no token', async () => {
    const hub = await start({})
    expect((await deploy(hub, { config: CHANGED, dryRun: true }, {})).status).toBe(200)
    // A reverse proxy on the same machine makes every visitor look local.
    const proxied = await deploy(hub, { config: CHANGED }, { 'x-forwarded-for': '203.0.113.9' })
    expect(proxied.status).toBe(403)
    expect(proxied.body.error).toMatch(/--api-token/)
    expect(hub.live.config().checks).toHaveLength(1)
  })
})

describe('GET /api/v1/config', () => {
  it('shows the running version and checks, and channels by name only', async () => {
    const hub = await start()
    const { status, body } = await call(hub, 'GET', '/api/v1/config')
    expect(status).toBe(200)
    expect(body).toMatchObject({
      version: hub.live.deployed().bundle.version,
      seq: 1,
      project: 'Acme',
      fingerprint: hub.keyFingerprint,
      channels: [{ name: 'ops', type: 'webhook' }],
    })
    expect(body.checks.map((check: { id: string }) => check.id)).toEqual(['api'])
    expect(JSON.stringify(body)).not.toMatch(/s3cr3t|\/hook/)
  })
})

describe('POST /api/v1/deploys', () => {
  it('answers 400 with every error and its path, and deploys nothing', async () => {
    const hub = await start()
    const broken = {
      ...MONITORS,
      checks: [
        { kind: 'http', id: 'a', url: 'ftp://x' },
        { kind: 'http', id: 'b', url: 'http://127.0.0.1:9/', every: '7x' },
      ],
    }
    const { status, body } = await deploy(hub, { config: broken })
    expect(status).toBe(400)
    expect(body.error).toBe('the config has 2 error(s)')
    expect(body.errors).toEqual([
      'checks[0].url: must be an http:// or https:// URL',
      expect.stringMatching(/^checks\[1\]\.every: "7x" is not a duration/),
    ])
    expect(hub.live.history()).toHaveLength(1)
  })

  it('refuses malformed bodies clearly', async () => {
    const hub = await start()
    const notJson = await deploy(hub, '{"config": ')
    expect(notJson.status).toBe(400)
    expect(notJson.body.error).toMatch(/^the body is not JSON/)
    const noConfig = await deploy(hub, { cfg: {} })
    expect(noConfig.status).toBe(400)
    expect(noConfig.body.errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^config: /), expect.stringMatching(/cfg/)]),
    )
    const asText = await fetch(`${hub.httpUrl}/api/v1/deploys`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: JSON.stringify({ config: CHANGED }),
    })
    expect(asText.status).toBe(415)
    const huge = await deploy(hub, { config: CHANGED, source: 'x'.repeat(MAX_DEPLOY_BODY_BYTES) })
    expect(huge.status).toBe(413)
    expect(hub.live.history()).toHaveLength(1)
  })

  it('plans a dry run and changes nothing', async () => {
    const hub = await start()
    const before = hub.live.deployed().bundle.version
    const { status, body } = await deploy(hub, { config: CHANGED, dryRun: true })
    expect(status).toBe(200)
    expect(body).toMatchObject({ version: before, seq: 1, changed: true, dryRun: true })
    expect(body.plan.checks.added).toEqual([
      { id: 'shop', kind: 'http' },
      { id: 'nightly-backup', kind: 'heartbeat' },
    ])
    expect(body.plan.checks.changed[0].fields).toEqual([
      { path: 'every', before: '1m', after: '30s' },
      { path: 'expect.status', before: '200', after: '[200, 204]' },
    ])
    expect(hub.live.deployed().bundle.version).toBe(before)
    expect((await call(hub, 'GET', '/api/v1/deploys')).body.deploys).toHaveLength(1)
    const checks = (await call(hub, 'GET', '/api/v1/checks')).body.checks as unknown[]
    expect(checks).toHaveLength(1)
  })

  it('applies a deploy everywhere: retained bundle, check list, heartbeats, history', async () => {
    const hub = await start()
    const watcher = await connectClient(hub.mqttUrl, { clientId: 'deploy-watcher' })
    try {
      await watcher.subscribe([CONFIG])
      const { status, body } = await deploy(hub, { config: CHANGED, source: 'ci run 7' })
      expect(status).toBe(200)
      expect(body).toMatchObject({ seq: 2, changed: true, dryRun: false })

      // The retained bundle comes first, then the deployed one, verified against the pinned key.
      const published = async () => {
        const last = watcher.received.filter((m) => m.topic === CONFIG).at(-1)
        const opened = last && openBundle(last.payload, { fingerprint: hub.keyFingerprint })
        return opened?.ok && opened.bundle.version === body.version
      }
      await waitFor('the deployed bundle on the config topic', published, 5_000)

      const ids = ((await call(hub, 'GET', '/api/v1/checks')).body.checks as { id: string }[]).map(
        (check) => check.id,
      )
      expect(ids).toEqual(['api', 'shop', 'nightly-backup'])
      const beats = await call(hub, 'GET', '/api/v1/heartbeats')
      expect(beats.body).toEqual([expect.objectContaining({ id: 'nightly-backup' })])
      const ping = await fetch(beats.body[0].pingUrl)
      expect(await ping.text()).toBe('OK\n')
      expect(hub.results.recent('nightly-backup', 1)[0]?.configVersion).toBe(body.version)

      const history = (await call(hub, 'GET', '/api/v1/deploys')).body
      expect(history.running).toBe(body.version)
      expect(history.deploys[0]).toMatchObject({
        seq: 2,
        version: body.version,
        source: 'ci run 7',
        checks: 3,
        running: true,
      })
      const again = await deploy(hub, { config: CHANGED })
      expect(again.body).toMatchObject({ version: body.version, changed: false })
    } finally {
      await watcher.end()
    }
  })

  it('refuses a deploy planned against a version that is no longer running', async () => {
    const hub = await start()
    const planned = hub.live.deployed().bundle.version
    await deploy(hub, { config: CHANGED })
    const late = await deploy(hub, { config: MONITORS, expectVersion: planned })
    expect(late.status).toBe(409)
    expect(late.body.error).toMatch(/another deploy came first/)
  })
})

describe('POST /api/v1/deploys/rollback', () => {
  it('deploys the old checks again as a new sequence number', async () => {
    const hub = await start()
    const first = hub.live.deployed().bundle.version
    await deploy(hub, { config: CHANGED })
    const { status, body } = await call(hub, 'POST', '/api/v1/deploys/rollback', {
      version: first,
    })
    expect(status).toBe(200)
    expect(body).toMatchObject({ seq: 3, changed: true })
    expect(body.version).not.toBe(first)
    expect(body.plan.checks.removed.map((check: { id: string }) => check.id)).toEqual([
      'shop',
      'nightly-backup',
    ])
    const config = (await call(hub, 'GET', '/api/v1/config')).body
    expect(config.checks.map((check: { id: string }) => check.id)).toEqual(['api'])
    expect((await call(hub, 'GET', '/api/v1/heartbeats')).body).toEqual([])
    expect(config.version).toBe(body.version)
    expect(hub.live.history().at(-1)!.source).toBe(`rollback to ${first}`)
  })

  it('answers 404 for a version it never deployed', async () => {
    const hub = await start()
    const { status, body } = await call(hub, 'POST', '/api/v1/deploys/rollback', {
      version: '42-deadbeef',
    })
    expect(status).toBe(404)
    expect(body.error).toMatch(/no deploy has version 42-deadbeef.*--list/)
    expect(hub.live.history()).toHaveLength(1)
  })
})
