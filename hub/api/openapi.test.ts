import { afterEach, describe, expect, it } from 'vitest'
import { startTestHub, type TestHub } from '../../test/fixtures/test-hub.ts'
import { openApiDocument, V2_PATHS } from './openapi.ts'

const TOKEN = 'openapi-token'
let hub: TestHub | undefined
afterEach(async () => {
  await hub?.close()
  hub = undefined
})

/** Hono's `:param` as OpenAPI's `{param}`; the v2 wildcards as their documents. */
function documented(method: string, path: string): string[] {
  const openapi = path.replace(/:(\w+)/g, '{$1}')
  if (openapi.endsWith('/api/v2/*')) {
    return V2_PATHS.map(([doc]) => `${method} ${openapi.slice(0, -1)}${doc}.json`)
  }
  return [`${method} ${openapi}`]
}

describe('the OpenAPI document', () => {
  it('lists every /api route of a running hub, and nothing it does not serve', async () => {
    hub = await startTestHub(
      {
        checks: [
          { kind: 'http', id: 'api', url: 'http://127.0.0.1:9/', regions: ['eu'] },
          { kind: 'heartbeat', id: 'backup', every: '1d' },
        ],
        statusPages: [
          { slug: 'public', title: 'Status', components: [{ name: 'API', checks: ['api'] }] },
        ],
      },
      { apiToken: TOKEN },
    )
    const served = new Set(
      hub.app.routes
        .filter(
          (r) => r.method !== 'ALL' && r.path.startsWith('/api/') && r.path !== '/api/openapi.json',
        )
        .flatMap((r) => documented(r.method, r.path)),
    )
    // The page-scoped v2 documents live under /status/<slug>/api/v2, outside /api.
    for (const r of hub.app.routes.filter((r) => r.path === '/status/:slug/api/v2/*')) {
      documented(r.method, r.path).forEach((route) => served.add(route))
    }
    const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> }
    const inDoc = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    )
    expect(
      [...served].filter((r) => !inDoc.has(r)),
      'served but not documented',
    ).toEqual([])
    expect(
      [...inDoc].filter((r) => !served.has(r)),
      'documented but not served',
    ).toEqual([])
  })

  it('documents the status codes the GET routes answer', async () => {
    hub = await startTestHub(
      {
        checks: [{ kind: 'http', id: 'api', url: 'http://127.0.0.1:9/', regions: ['eu'] }],
        statusPages: [
          { slug: 'public', title: 'Status', components: [{ name: 'API', checks: ['api'] }] },
        ],
      },
      { apiToken: TOKEN },
    )
    const served = await fetch(`${hub.httpUrl}/api/openapi.json`)
    const doc = (await served.json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
    }
    for (const [path, ops] of Object.entries(doc.paths)) {
      const get = ops.get
      if (!get) continue
      const url = path.replace('{slug}', 'public').replace('{id}', 'no-such-id')
      const asks: Record<string, string>[] = [{ authorization: `Bearer ${TOKEN}` }, {}]
      for (const headers of asks) {
        const res = await fetch(`${hub.httpUrl}${url}`, { headers })
        expect(Object.keys(get.responses), `GET ${url}`).toContain(String(res.status))
        expect(res.headers.get('content-type'), `GET ${url}`).toMatch(/application\/json/)
      }
    }
  })
})
