import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { isLoopback, secretAccess } from './secret-access.ts'

function appWith(apiToken?: string): Hono {
  const app = new Hono()
  app.get('/secret', (c) => {
    const access = secretAccess(c, apiToken)
    return access.ok ? c.text('secret') : c.json({ error: access.error }, access.status)
  })
  return app
}

describe('secretAccess', () => {
  it('knows loopback addresses, IPv4-mapped ones included', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
      expect(isLoopback(address), address).toBe(true)
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '::', '1127.0.0.1', undefined])
      expect(isLoopback(address), String(address)).toBe(false)
  })

  it('refuses a request whose peer is unknown when there is no token', async () => {
    // app.request() has no socket: nothing proves the client is local.
    const response = await appWith().request('/secret')
    expect(response.status).toBe(403)
  })

  it('accepts the bearer token, in any case of "Bearer", and nothing else', async () => {
    const app = appWith('t0ken')
    expect(
      (await app.request('/secret', { headers: { authorization: 'bearer t0ken' } })).status,
    ).toBe(200)
    expect(
      (await app.request('/secret', { headers: { authorization: 'Bearer t0ke' } })).status,
    ).toBe(401)
    expect((await app.request('/secret', { headers: { authorization: 't0ken' } })).status).toBe(401)
  })
})
