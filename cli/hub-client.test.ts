/** The client against a real loopback server: what it sends, and the advice it gives. */
import { createServer, type AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createHubClient,
  HubRequestError,
  TokenRefusedError,
  type HubClientCaller,
} from './hub-client.ts'

const TOKEN = 'client-test-token'
const ACK: HubClientCaller = { command: 'ack', tokenFlag: '--api-token', api: 'incidents' }
const DEPLOY: HubClientCaller = { command: 'deploy', tokenFlag: '--token', api: 'deploy' }

let server: ServerType
let hub: string

beforeAll(async () => {
  const app = new Hono()
  app.use('/api/v1/*', async (c, next) => {
    if (c.req.header('authorization') === `Bearer ${TOKEN}`) return next()
    return c.json({ error: 'this route needs the API token' }, 401)
  })
  app.get('/api/v1/things/:id/report', (c) => c.text(`# report of ${c.req.param('id')}\n`))
  app.delete('/api/v1/things/:id', (c) => c.json({ removed: c.req.param('id') }))
  app.post('/api/v1/things', async (c) =>
    c.json({ error: 'the config has 1 error(s)', errors: ['checks[0].url: required'] }, 400),
  )
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404))
  server = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    )
  })
  hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

async function refusal(request: Promise<unknown>): Promise<HubRequestError> {
  const error = await request.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(HubRequestError)
  return error as HubRequestError
}

describe('createHubClient', () => {
  it('reads text answers and deletes, with the token', async () => {
    const client = createHubClient(hub, TOKEN, ACK)
    expect(await client.getText('/api/v1/things/i-1/report')).toBe('# report of i-1\n')
    expect(await client.delete('/api/v1/things/s-1')).toEqual({ removed: 's-1' })
  })

  it("names the caller's own token flag when the token is missing or refused", async () => {
    const missing = await refusal(createHubClient(hub, '', ACK).getText('/api/v1/things/1/report'))
    expect(missing).toMatchObject({ status: 401 })
    expect(missing.message).toBe(
      'the hub needs its API token; pass it with --api-token (or VANTAGE_API_TOKEN)',
    )
    const refused = await refusal(createHubClient(hub, 'wrong', DEPLOY).delete('/api/v1/things/1'))
    expect(refused).toBeInstanceOf(TokenRefusedError)
    expect(refused.message).toBe('the hub refused the API token; pass --token or VANTAGE_API_TOKEN')
    const refusedAck = await refusal(createHubClient(hub, 'wrong', ACK).get('/api/v1/things/1'))
    expect(refusedAck.message).toBe(
      'the hub refused the API token; pass --api-token or VANTAGE_API_TOKEN',
    )
    expect(missing).not.toBeInstanceOf(TokenRefusedError)
  })

  it("names the caller's API when the hub has no route for it", async () => {
    const error = await refusal(createHubClient(hub, TOKEN, ACK).get('/nothing'))
    expect(error).toMatchObject({ status: 404 })
    expect(error.message).toBe(`${hub} has no incidents API (a hub older than vantage ack?)`)
  })

  it("passes the hub's own words on, with the errors it listed", async () => {
    const error = await refusal(createHubClient(hub, TOKEN, DEPLOY).post('/api/v1/things', {}))
    expect(error).toMatchObject({
      status: 400,
      message: 'the config has 1 error(s)',
      errors: ['checks[0].url: required'],
    })
  })

  it('says how to point at the hub when nothing answers, and why', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))

    const error = await refusal(createHubClient(`http://127.0.0.1:${port}`, TOKEN, ACK).get('/x'))
    expect(error.status).toBeUndefined()
    expect(error.message).toBe(
      `cannot reach the hub at http://127.0.0.1:${port} (ECONNREFUSED); ` +
        'is it running? Set --hub (or VANTAGE_HUB_URL)',
    )
    const badPort = await refusal(createHubClient('http://127.0.0.1:9', TOKEN, ACK).get('/x'))
    expect(badPort.message).toMatch(/^cannot reach the hub at http:\/\/127\.0\.0\.1:9 \(bad port\)/)
  })
})
