/**
 * A loopback webhook receiver for the alerting end-to-end tests. Unlike
 * test/fixtures/webhook-sink.ts it can refuse on demand (e.g. 503, as a receiver in
 * trouble would), and it records the status it answered with every request, so a test
 * can tell a delivery the hub may consider done (2xx) from an attempt it must retry.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One POST the sink received, the status it answered, and when (epoch ms). */
export interface SinkHit {
  at: number
  status: number
  body: any
}

export interface AlertSink {
  url: string
  /** Every request, oldest first, whatever the answer. */
  hits: SinkHit[]
  /** Requests answered with 2xx: deliveries, as the hub's queue sees them. */
  accepted(): SinkHit[]
  /** Accepted alerts of one type (`alert.fired`, ...) for one incident, oldest first. */
  alerts(type: string, incidentId?: string): SinkHit[]
  /** Answers every later request with `status` (and `Retry-After` when given). */
  answerWith(status: number, retryAfterSeconds?: number): void
  close(): Promise<void>
}

export async function startAlertSink(): Promise<AlertSink> {
  const hits: SinkHit[] = []
  let status = 200
  let retryAfter: number | undefined
  const server = createServer((request, response) => {
    let raw = ''
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()))
    request.on('end', () => {
      let body: unknown
      try {
        body = JSON.parse(raw)
      } catch {
        hits.push({ at: Date.now(), status: 400, body: raw })
        response.writeHead(400).end('expected JSON')
        return
      }
      hits.push({ at: Date.now(), status, body })
      const headers = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }
      response.writeHead(status, headers).end(status < 300 ? 'ok' : 'unavailable')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const accepted = () => hits.filter((hit) => hit.status >= 200 && hit.status < 300)
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits,
    accepted,
    alerts: (type, incidentId) =>
      accepted().filter(
        (hit) =>
          hit.body?.type === type &&
          (incidentId === undefined || hit.body?.incidentId === incidentId),
      ),
    answerWith(next, retryAfterSeconds) {
      status = next
      retryAfter = retryAfterSeconds
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
