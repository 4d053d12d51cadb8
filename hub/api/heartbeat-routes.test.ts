/**
 * Heartbeat pings over real HTTP to an in-process hub on loopback, with a manual clock
 * so that periods, grace and hung runs pass in virtual time.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { heartbeat, http } from '../../checks/define.ts'
import { ManualClock } from '../../lib/clock.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { startTestHub, type TestHub } from '../../test/fixtures/test-hub.ts'
import type { HubOptions } from '../hub.ts'
import type { HeartbeatListItem } from './contract.ts'
import { MAX_PING_BODY_BYTES } from './heartbeat-routes.ts'

const SEC = 1_000
const MIN = 60 * SEC
const HOUR = 60 * MIN
const T0 = Date.UTC(2026, 0, 1, 1, 0, 0)

const MONITORS = {
  project: 'Acme',
  channels: [],
  defaults: { regions: ['eu-west'], every: '1m', alert: { failAfter: 3, quorum: 1 } },
  checks: [
    heartbeat('nightly-backup', { name: 'Nightly backup', every: '1d', grace: '2h' }),
    http('api', { url: 'http://127.0.0.1:9/health' }),
  ],
}

const hubs: TestHub[] = []
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()))
})

async function start(options: Partial<HubOptions> = {}) {
  const clock = new ManualClock(T0)
  const hub = await startTestHub(MONITORS, { clock, ...options })
  hubs.push(hub)
  return { hub, clock }
}

async function heartbeatsOf(hub: TestHub, headers: Record<string, string> = {}) {
  const response = await fetch(`${hub.httpUrl}/api/v1/heartbeats`, { headers })
  expect(response.status).toBe(200)
  return (await response.json()) as HeartbeatListItem[]
}

async function pingUrlOf(hub: TestHub): Promise<string> {
  const [backup] = await heartbeatsOf(hub)
  return backup!.pingUrl!
}

/** Lets virtual time pass the way the hub's one-second loop sees it. */
function runUntil(hub: TestHub, clock: ManualClock, time: number): void {
  while (clock.now() < time) {
    clock.set(Math.min(clock.now() + 30 * SEC, time))
    hub.heartbeats.tick()
  }
}

const latest = (hub: TestHub) => hub.results.recent('nightly-backup', 1)[0]

describe('heartbeat ping routes', () => {
  it('gives each heartbeat an unguessable ping URL on the hub', async () => {
    const { hub } = await start()
    const [backup, ...others] = await heartbeatsOf(hub)
    expect(others).toEqual([])
    expect(backup).toMatchObject({ id: 'nightly-backup', name: 'Nightly backup', every: '1d' })
    expect(backup!.pingUrl).toMatch(
      new RegExp(`^${hub.httpUrl.replace(/\./g, '\\.')}/ping/[A-Za-z0-9_-]{32}$`),
    )
  })

  it('takes a success ping by GET, POST and HEAD and answers 200 OK in plain text', async () => {
    const { hub, clock } = await start()
    const url = await pingUrlOf(hub)

    const get = await fetch(url)
    expect(get.status).toBe(200)
    expect(get.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await get.text()).toBe('OK\n')
    expect(latest(hub)).toMatchObject({ status: 'up', region: 'hub', probeId: 'hub' })
    expect(hub.engine.state('nightly-backup').status).toBe('up')

    clock.advance(SEC)
    const post = await fetch(url, { method: 'POST', body: 'backup done: 3.2 GB in 41 s' })
    expect(await post.text()).toBe('OK\n')
    expect(latest(hub)).toMatchObject({ status: 'up', message: 'backup done: 3.2 GB in 41 s' })

    clock.advance(SEC)
    const head = await fetch(url, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(hub.results.recent('nightly-backup', 10)).toHaveLength(3)
  })

  it('keeps at most 10 KiB of a posted body', async () => {
    const { hub } = await start()
    const url = await pingUrlOf(hub)
    const response = await fetch(url, { method: 'POST', body: 'x'.repeat(200 * 1024) })
    expect(response.status).toBe(200)
    expect(latest(hub)!.message).toBe('x'.repeat(MAX_PING_BODY_BYTES))
  })

  it('reports a fail at once and recovers on exit code 0', async () => {
    const { hub, clock } = await start()
    const url = await pingUrlOf(hub)
    expect((await fetch(`${url}/fail`, { method: 'POST', body: 'disk full' })).status).toBe(200)
    expect(latest(hub)).toMatchObject({
      status: 'down',
      error: {
        code: 'HEARTBEAT_FAILED',
        message: 'the job reported failure (a fail ping): disk full',
      },
    })
    // failAfter defaults to 1 for heartbeats, whatever the project defaults say.
    expect(hub.engine.state('nightly-backup')).toMatchObject({
      status: 'down',
      failingRegions: ['hub'],
    })

    clock.advance(MIN)
    await fetch(`${url}/0`)
    expect(latest(hub)).toMatchObject({ status: 'up', metrics: { exitCode: 0 } })
    expect(hub.engine.state('nightly-backup').status).toBe('up')

    clock.advance(MIN)
    await fetch(`${url}/2`)
    expect(latest(hub)).toMatchObject({ status: 'down', metrics: { exitCode: 2 } })
  })

  it('records the run duration between start and success', async () => {
    const { hub, clock } = await start()
    const url = await pingUrlOf(hub)
    expect(await (await fetch(`${url}/start`)).text()).toBe('OK\n')
    expect(latest(hub)).toBeUndefined()
    runUntil(hub, clock, T0 + 25 * MIN)
    await fetch(url)
    expect(latest(hub)).toMatchObject({ status: 'up', startedAt: T0, durationMs: 25 * MIN })
  })

  it('fires when a started run does not end within the grace', async () => {
    const { hub, clock } = await start()
    const url = await pingUrlOf(hub)
    await fetch(`${url}/start`)
    runUntil(hub, clock, T0 + 2 * HOUR)
    expect(latest(hub)).toBeUndefined()
    runUntil(hub, clock, T0 + 2 * HOUR + SEC)
    expect(latest(hub)).toMatchObject({ status: 'down', error: { code: 'HEARTBEAT_HUNG' } })
    expect(hub.engine.state('nightly-backup').status).toBe('down')
  })

  it('fires on a missed period and resolves on a late ping', async () => {
    const { hub, clock } = await start()
    const url = await pingUrlOf(hub)
    const deadline = T0 + 26 * HOUR
    runUntil(hub, clock, deadline)
    expect(latest(hub)).toBeUndefined()
    // The deadline's own second still counts as on time.
    clock.set(deadline + 999)
    expect(latest(hub)).toBeUndefined()
    runUntil(hub, clock, deadline + SEC)
    expect(latest(hub)).toMatchObject({ status: 'down', scheduledAt: deadline })
    expect(hub.engine.state('nightly-backup').status).toBe('down')

    runUntil(hub, clock, deadline + 3 * HOUR)
    await fetch(url, { method: 'POST', body: 'finally' })
    expect(latest(hub)).toMatchObject({ status: 'up', message: 'finally' })
    expect(hub.engine.state('nightly-backup').status).toBe('up')
  })

  it('answers an unknown token or action with a plain 404', async () => {
    const { hub } = await start()
    const url = await pingUrlOf(hub)
    const unknown = await fetch(`${hub.httpUrl}/ping/not-a-token`)
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await unknown.text()).toContain('no heartbeat has this ping URL')
    expect((await fetch(`${hub.httpUrl}/ping/not-a-token/fail`)).status).toBe(404)
    const badAction = await fetch(`${url}/finish`)
    expect(badAction.status).toBe(404)
    expect(await badAction.text()).toContain('/ping/{token}/start')
    expect((await fetch(`${url}/256`)).status).toBe(404)
    expect(hub.results.recent('nightly-backup', 10)).toEqual([])
  })
})

describe('heartbeat secrets', () => {
  it('never puts the token in the probe bundle, the status page or the public check list', async () => {
    const { hub } = await start()
    const url = await pingUrlOf(hub)
    const token = url.split('/').at(-1)!
    await fetch(url)

    const bundle = Buffer.from(hub.live.deployed().envelope.bundle, 'base64').toString('utf8')
    expect(bundle).not.toContain(token)
    expect(bundle).not.toContain('nightly-backup')
    expect(bundle).toContain('"api"')

    const page = await (await fetch(`${hub.httpUrl}/`)).text()
    expect(page).toContain('Nightly backup')
    expect(page).not.toContain(token)
    expect(await (await fetch(`${hub.httpUrl}/api/v1/checks`)).text()).not.toContain(token)
  })

  it('shows the ping URL in the check detail only to clients allowed to see secrets', async () => {
    const { hub } = await start()
    const url = await pingUrlOf(hub)
    const detail = await (await fetch(`${hub.httpUrl}/api/v1/checks/nightly-backup`)).json()
    expect(detail).toMatchObject({
      kind: 'heartbeat',
      regions: { hub: { state: 'unknown' } },
      heartbeat: { pingUrl: url, lastPingAt: null, nextDeadline: T0 + 26 * HOUR },
    })

    // Through a reverse proxy every client looks local; the proxy's header gives it away.
    const proxied = await fetch(`${hub.httpUrl}/api/v1/checks/nightly-backup`, {
      headers: { 'x-forwarded-for': '203.0.113.7' },
    })
    expect(((await proxied.json()) as { heartbeat: unknown }).heartbeat).toMatchObject({
      pingUrl: null,
    })
    const list = await fetch(`${hub.httpUrl}/api/v1/heartbeats`, {
      headers: { forwarded: 'for=203.0.113.7' },
    })
    expect(list.status).toBe(403)
    expect(((await list.json()) as { error: string }).error).toContain('--api-token')
  })

  it('needs the bearer token when the hub has one, even from loopback', async () => {
    const { hub } = await start({ apiToken: 's3cret-token', publicUrl: 'https://hub.example.com/' })
    const none = await fetch(`${hub.httpUrl}/api/v1/heartbeats`)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer')
    const wrong = await fetch(`${hub.httpUrl}/api/v1/heartbeats`, {
      headers: { authorization: 'Bearer s3cret-tokem' },
    })
    expect(wrong.status).toBe(401)
    const [backup] = await heartbeatsOf(hub, { authorization: 'Bearer s3cret-token' })
    expect(backup!.pingUrl).toMatch(/^https:\/\/hub\.example\.com\/ping\/[A-Za-z0-9_-]{32}$/)
    // Anonymous callers read no check at all when the hub has a token: the v2 JSON is public.
    expect((await fetch(`${hub.httpUrl}/api/v1/checks/nightly-backup`)).status).toBe(401)
  })

  it('keeps the token and the last ping across a hub restart', async () => {
    const dataDir = tempDir('vantage-heartbeat-')
    const first = await start({ dataDir })
    const url = await pingUrlOf(first.hub)
    first.clock.advance(HOUR)
    await fetch(url, { method: 'POST', body: 'ok' })
    await first.hub.close()
    hubs.splice(hubs.indexOf(first.hub), 1)

    const second = await start({ dataDir })
    const [backup] = await heartbeatsOf(second.hub)
    expect(backup!.pingUrl!.split('/').at(-1)).toBe(url.split('/').at(-1))
    expect(backup).toMatchObject({
      lastPingAt: T0 + HOUR,
      lastPing: { kind: 'success', message: 'ok' },
      nextDeadline: T0 + HOUR + 26 * HOUR,
    })
  })
})
