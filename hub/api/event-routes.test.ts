/**
 * The event log over HTTP on an in-process hub: API writes are logged with who made them
 * and what they caused, and the log filters by check, kind and time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHub, type TestHub } from '../../test/fixtures/test-hub.ts'

describe('GET /api/v1/events', () => {
  let hub: TestHub
  const started = Date.now()

  beforeAll(async () => {
    hub = await startTestHub({
      defaults: { regions: ['eu-west'] },
      checks: [{ kind: 'tcp', id: 'latte', host: '127.0.0.1', port: 9 }],
    })
    const response = await fetch(`${hub.httpUrl}/api/v1/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ match: { checks: ['latte'] }, for: '1h', reason: 'beans' }),
    })
    expect(response.status).toBe(201)
  })

  afterAll(async () => {
    await hub?.close()
  })

  const events = async (query: string) => {
    const response = await fetch(`${hub.httpUrl}/api/v1/events?${query}`)
    return { status: response.status, body: await response.json() }
  }

  it('logs an API write and what it caused, with who made it', async () => {
    // The silence names the check; the request that made it is about the hub's silences.
    const { body } = await events('check=latte&kind=silence,command')
    const about = body.events.map((e: { kind: string; action: string; actor: string }) => [
      e.kind,
      e.action,
      e.actor,
    ])
    expect(about).toEqual([['silence', 'created', 'api']])
    const { body: commands } = await events('kind=command')
    expect(commands.events[0]).toMatchObject({
      action: 'POST silences',
      actor: 'api',
      origin: '127.0.0.1',
      summary: 'POST /api/v1/silences → 201',
    })
  })

  it('logs the deploy the hub started with, and its plan', async () => {
    const { body } = await events('kind=deploy')
    expect(body.events).toHaveLength(1)
    expect(body.events[0]).toMatchObject({
      action: 'deployed',
      detail: { source: 'test', checks: { added: ['latte'], removed: [], changed: [] } },
    })
  })

  it('filters by time, as epoch ms or ISO 8601', async () => {
    const later = new Date(Date.now() + 60_000).toISOString()
    expect((await events(`since=${later}`)).body.events).toEqual([])
    expect(
      (await events(`since=${started - 1}&until=${later}`)).body.events.length,
    ).toBeGreaterThan(0)
  })

  it('answers 400 with what is wrong for a bad query', async () => {
    const bad = await events('kind=alert,oops&since=yesterday')
    expect(bad.status).toBe(400)
    expect(bad.body.errors).toEqual([
      expect.stringContaining('unknown kind "oops"'),
      expect.stringContaining('"yesterday" is neither epoch milliseconds nor an ISO 8601 time'),
    ])
  })
})
