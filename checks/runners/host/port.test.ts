import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { runContext } from '../../../test/fixtures/run-context.ts'
import { hostPortSpecSchema } from '../../specs/host-port.ts'
import { parseListeners, run } from './port.ts'

const spec = (port: number, extra: Record<string, unknown> = {}) =>
  hostPortSpecSchema.parse({
    kind: 'host.port',
    id: 'db-port',
    on: { probes: ['p'] },
    port,
    ...extra,
  })

describe('parseListeners', () => {
  it('reads LISTEN sockets of /proc/net/tcp and tcp6, in network byte order', () => {
    const header = '  sl  local_address rem_address   st ...\n'
    const tcp = [
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0 0 1 1',
      '   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0 0 2 1',
      '   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0 0 3 1',
    ].join('\n')
    const tcp6 = [
      '   0: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 0A x',
      '   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A x',
      '   2: 0000000000000000FFFF00000100007F:0051 00000000000000000000000000000000:0000 0A x',
    ].join('\n')
    expect(parseListeners(header + tcp)).toEqual([
      { address: '127.0.0.1', port: 8080 },
      { address: '0.0.0.0', port: 22 },
    ])
    expect(parseListeners(header + tcp6)).toEqual([
      { address: '::1', port: 5432 },
      { address: '::', port: 80 },
      { address: '127.0.0.1', port: 81 },
    ])
  })
})

describe('host.port with a real listener on loopback', () => {
  let server: Server | undefined
  afterEach(async () => {
    await new Promise((resolve) => (server?.listening ? server.close(resolve) : resolve(undefined)))
  })

  async function listen(host: string): Promise<number> {
    server = createServer()
    await new Promise<void>((resolve) => server!.listen(0, host, resolve))
    return (server.address() as { port: number }).port
  }

  it('is up while something listens, down with HOST_PORT_CLOSED once it stops', async () => {
    const port = await listen('127.0.0.1')
    const up = await run(spec(port), runContext())
    expect(up.status).toBe('up')
    expect(up.assertions[0]).toEqual({
      name: `listening on port ${port}`,
      ok: true,
      expected: 'a TCP listener',
      actual: `127.0.0.1:${port}`,
    })
    expect(up.metrics).toEqual({ listeners: 1 })

    await new Promise((resolve) => server!.close(resolve))
    const down = await run(spec(port), runContext())
    expect(down.status).toBe('down')
    expect(down.error).toEqual({
      code: 'HOST_PORT_CLOSED',
      message: `nothing listens on port ${port}`,
    })
  })

  it('checks the address when one is given', async () => {
    const port = await listen('127.0.0.1')
    expect((await run(spec(port, { address: '127.0.0.1' }), runContext())).status).toBe('up')
    const elsewhere = await run(spec(port, { address: '::1' }), runContext())
    expect(elsewhere.status).toBe('down')
    expect(elsewhere.error?.message).toBe(
      `nothing listens on [::1]:${port} (only on 127.0.0.1:${port})`,
    )
  })
})
