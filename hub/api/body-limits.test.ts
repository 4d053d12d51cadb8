/**
 * Every route that reads a request body stops at its limit, over real HTTP to an
 * in-process hub on loopback: a declared Content-Length past it is refused before
 * anything is read, and a chunked body is counted while it streams, so a 100 MB upload
 * neither waits to be read whole nor lands in the hub's memory.
 */
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { heartbeat, http } from '../../checks/define.ts'
import { startTestHub, type TestHub } from '../../test/fixtures/test-hub.ts'
import { MAX_ACK_BODY_BYTES } from './incident-routes.ts'
import { MAX_DEPLOY_BODY_BYTES } from './deploy-routes.ts'
import { MAX_WINDOW_BODY_BYTES } from './silence-routes.ts'

const MB = 1024 * 1024
const CHUNK = Buffer.alloc(64 * 1024, 'x')

const MONITORS = {
  project: 'Acme',
  channels: [],
  defaults: { regions: ['eu-west'] },
  checks: [
    http('api', { url: 'http://127.0.0.1:9/health' }),
    heartbeat('nightly-backup', { every: '1d' }),
  ],
}

interface Sent {
  status: number
  body: string
  /** Bytes written when the answer came. */
  sentBytes: number
}

/**
 * POSTs `totalBytes` of filler, chunked or with a Content-Length, and stops writing as
 * soon as an answer arrives (as curl does on an early 413).
 */
function post(url: string, totalBytes: number, framing: 'chunked' | 'length'): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (framing === 'length') headers['content-length'] = String(totalBytes)
    const req = request(url, { method: 'POST', headers })
    let sentBytes = 0
    let answered = false
    req.on('response', (response) => {
      answered = true
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        resolve({ status: response.statusCode!, body: Buffer.concat(chunks).toString(), sentBytes })
        req.destroy()
      })
    })
    // The hub may close the connection once it answered; the answer is what counts.
    req.on('error', (error) => {
      if (!answered) reject(error)
    })
    const write = (): void => {
      while (!answered && sentBytes < totalBytes) {
        const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, totalBytes - sentBytes))
        sentBytes += chunk.length
        if (!req.write(chunk)) {
          req.once('drain', write)
          return
        }
      }
      if (!answered) req.end()
    }
    write()
  })
}

let hub: TestHub
let pingUrl: string

beforeAll(async () => {
  hub = await startTestHub(MONITORS)
  const list = (await (await fetch(`${hub.httpUrl}/api/v1/heartbeats`)).json()) as Array<{
    pingUrl: string
  }>
  pingUrl = list[0]!.pingUrl
})
afterAll(() => hub?.close())

describe('request bodies past their limit', () => {
  it('an ack of 100 MB, chunked, is refused with 413 without the hub reading or keeping it', async () => {
    const rssBefore = process.memoryUsage().rss
    const sent = await post(`${hub.httpUrl}/api/v1/incidents/no-such/ack`, 100 * MB, 'chunked')
    const grownMb = (process.memoryUsage().rss - rssBefore) / MB

    expect(sent.status).toBe(413)
    expect(JSON.parse(sent.body)).toEqual({
      error: 'the body is larger than 16 KiB, the most this route takes',
    })
    expect(sent.sentBytes).toBeLessThan(100 * MB)
    expect(grownMb).toBeLessThan(48)
  })

  it('an ack declaring 10 MB is refused with 413 before its body is read', async () => {
    const sent = await post(`${hub.httpUrl}/api/v1/incidents/no-such/ack`, 10 * MB, 'length')
    expect(sent.status).toBe(413)
    expect(sent.sentBytes).toBeLessThan(10 * MB)
  })

  it('every other body-reading route stops at its own limit, chunked or declared', async () => {
    const routes = [
      ['/api/v1/silences', MAX_WINDOW_BODY_BYTES, '64 KiB'],
      ['/api/v1/maintenance', MAX_WINDOW_BODY_BYTES, '64 KiB'],
      ['/api/v1/deploys', MAX_DEPLOY_BODY_BYTES, '5 MiB'],
      ['/api/v1/deploys/rollback', MAX_DEPLOY_BODY_BYTES, '5 MiB'],
    ] as const
    for (const [path, limit, text] of routes) {
      for (const framing of ['chunked', 'length'] as const) {
        const total = limit + 4 * MB
        const sent = await post(`${hub.httpUrl}${path}`, total, framing)
        expect([path, framing, sent.status], sent.body).toEqual([path, framing, 413])
        expect(JSON.parse(sent.body).error).toBe(
          `the body is larger than ${text}, the most this route takes`,
        )
        expect(sent.sentBytes, `${path} ${framing}`).toBeLessThan(total)
      }
    }
    expect(MAX_ACK_BODY_BYTES).toBe(16 * 1024)
  })

  it('a heartbeat ping keeps its first 10 KiB and answers without reading the rest', async () => {
    // A job may post its whole log; the ping must still count, so it is cut, not refused.
    const sent = await post(pingUrl, 50 * MB, 'chunked')
    expect(sent.status).toBe(200)
    expect(sent.sentBytes).toBeLessThan(50 * MB)
    expect(hub.results.recent('nightly-backup', 1)[0]!.message).toHaveLength(10 * 1024)
  })
})
