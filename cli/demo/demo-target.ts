/**
 * The demo's flaky service: an HTTP server on loopback that is up for `upMs`,
 * then answers 503 for `downMs`, over and over, so that the demo shows an alert
 * firing and resolving on its own. `POST /admin/down` and `POST /admin/up` flip
 * it on demand. Besides its JSON API it serves a small shop (demo-shop.ts) for the
 * demo's browser check.
 */
import { createServer, type Server } from 'node:http'
import { answerShop, downPage } from './demo-shop.ts'

export interface DemoTarget {
  url: string
  isUp(): boolean
  setUp(up: boolean, reason: string): void
  close(): Promise<void>
}

export async function startDemoTarget(options: {
  port: number
  upMs: number
  downMs: number
  onChange: (up: boolean, reason: string) => void
}): Promise<DemoTarget> {
  let up = true
  let timer: NodeJS.Timeout | undefined

  function setUp(next: boolean, reason: string): void {
    clearTimeout(timer)
    if (next !== up) {
      up = next
      options.onChange(up, reason)
    }
    timer = setTimeout(() => setUp(!up, 'schedule'), up ? options.upMs : options.downMs)
    timer.unref()
  }

  const server: Server = createServer((request, response) => {
    if (
      request.method === 'POST' &&
      (request.url === '/admin/down' || request.url === '/admin/up')
    ) {
      setUp(request.url === '/admin/up', 'on demand')
      response.writeHead(200, { 'content-type': 'text/plain' }).end(up ? 'up\n' : 'down\n')
      return
    }
    if (!up) {
      const html = (request.headers.accept ?? '').includes('text/html')
      response
        .writeHead(503, {
          'content-type': html ? 'text/html; charset=utf-8' : 'text/plain',
          'retry-after': '60',
        })
        .end(html ? downPage() : 'down for the demo\n')
      return
    }
    void answerShop(request, response).then((answered) => {
      if (answered) return
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: true, path: request.url }))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', resolve)
  })
  setUp(true, 'start')
  return {
    url: `http://127.0.0.1:${options.port}`,
    isUp: () => up,
    setUp,
    async close() {
      clearTimeout(timer)
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
