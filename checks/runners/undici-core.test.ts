/**
 * The runners' undici is the package's own dispatcher and request API, loaded without
 * its index: the same classes, answering a real loopback server, and without fetch and
 * the rest of the package in the process.
 */
import { execFileSync } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as undici from 'undici'
import { Agent, requestWith } from './undici-core.ts'

let server: Server
let origin: string

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('x-method', req.method ?? '')
    res.end(`path ${req.url}`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('undici core', () => {
  it('is the Agent class the package exports', () => {
    expect(Agent).toBe(undici.Agent)
  })

  it('sends a request with its path, query and method through the given dispatcher', async () => {
    const agent = new Agent()
    try {
      const response = await requestWith(agent, new URL(`${origin}/a/b?x=1`), { method: 'HEAD' })
      expect(response.statusCode).toBe(200)
      expect(response.headers['x-method']).toBe('HEAD')
      await response.body.dump()
      const get = await requestWith(agent, new URL(`${origin}/a/b?x=1`), {})
      expect(await get.body.text()).toBe('path /a/b?x=1')
    } finally {
      await agent.close()
    }
  })

  it('does not load undici fetch into the process', () => {
    const core = fileURLToPath(new URL('./undici-core.ts', import.meta.url))
    const loaded = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module'
        await import(${JSON.stringify(core)})
        const cache = createRequire(import.meta.url).cache
        console.log(Object.keys(cache).filter((path) => path.includes('undici')).join('\\n'))`,
      ],
      { encoding: 'utf8' },
    )
    expect(loaded).toContain('dispatcher/agent.js')
    expect(loaded).not.toContain('web/fetch')
  })
})
