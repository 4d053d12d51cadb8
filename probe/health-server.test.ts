/** The probe's health port: /healthz while alive, /readyz 200 or 503 with the reasons. */
import { afterEach, describe, expect, it } from 'vitest'
import { createHealthApp, serveHealth, type HealthServer } from './health-server.ts'
import { probeReadiness } from './readiness.ts'

describe('the health port', () => {
  let server: HealthServer | undefined
  afterEach(async () => server?.close())

  it('answers /readyz 503 with every reason until the probe is ready, then 200', async () => {
    let parts = {
      connected: false,
      configVersion: undefined as string | undefined,
      health: { ok: false, reasons: ["clock is 9s behind the hub's (allowed skew 5s)"] },
      stopping: false,
    }
    server = await serveHealth(
      createHealthApp(() => probeReadiness(parts)),
      0,
      '127.0.0.1',
    )
    const notReady = await fetch(`${server.url}/readyz`)
    expect(notReady.status).toBe(503)
    expect(await notReady.json()).toEqual({
      ready: false,
      reasons: [
        'not connected to the broker',
        'no verified config from the hub yet',
        "clock is 9s behind the hub's (allowed skew 5s)",
      ],
    })
    parts = {
      connected: true,
      configVersion: '3-abc',
      health: { ok: true, reasons: [] },
      stopping: false,
    }
    const ready = await fetch(`${server.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ ready: true, reasons: [], configVersion: '3-abc' })
    parts = { ...parts, stopping: true }
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })
})
