/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests: it answers each request with
 * the next status of a script and keeps what it received.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

/** A status to answer with, or 'hang' to keep the request open until the sink closes. */
export type SinkAnswer = number | 'hang'

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
      res.writeHead(answer, { 'content-type': 'text/plain' })
      res.end(answer < 300 ? 'ok' : `sink answered ${answer}`)
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
