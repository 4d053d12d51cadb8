/**
 * A real HTTP receiver on 127.0.0.1 for channel tests: it answers each request with
 * the next answer of a script and keeps what it received. Answers can carry headers
 * and a body, so the sink can speak like Slack, PagerDuty and the rest (429 with
 * Retry-After, 400 with a reason).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

/**
 * A status to answer with, a full answer, or 'hang' to keep the request open until
 * the sink closes.
 */
export type SinkAnswer =
  number | 'hang' | { status: number; headers?: Record<string, string>; body?: string }

export interface WebhookSink {
  url: string
  requests: ReceivedRequest[]
  /** Resolves once `count` requests have arrived. */
  received(count: number): Promise<void>
  close(): Promise<void>
}

/** Starts a sink; after the script runs out it repeats its last answer. */
export async function startWebhookSink(script: SinkAnswer[] = [200]): Promise<WebhookSink> {
  const requests: ReceivedRequest[] = []
  const waiters: { count: number; resolve: () => void }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const answer = script[Math.min(requests.length, script.length - 1)] ?? 200
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      })
      for (const waiter of waiters) if (requests.length >= waiter.count) waiter.resolve()
      if (answer === 'hang') return
      const {
        status,
        headers = {},
        body,
      } = typeof answer === 'number' ? { status: answer } : answer
      res.writeHead(status, { 'content-type': 'text/plain', ...headers })
      res.end(body ?? (status < 300 ? 'ok' : `sink answered ${status}`))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    received: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A loopback URL where nothing listens: a port just released by a closed server. */
export async function refusedUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}/hook`
}
