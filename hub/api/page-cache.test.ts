import { afterEach, describe, expect, it } from 'vitest'
import { demoConfig, statusHub } from '../../test/fixtures/status-pages.ts'

let hub: ReturnType<typeof statusHub>
afterEach(() => hub?.close())

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await hub.app.request(path, { headers })
  return { status: res.status, text: await res.text(), headers: res.headers }
}

/** Resolves at the read model's next change: what a cached page waits for. */
const nextChange = () => new Promise<string>((resolve) => hub.readModel!.onChange(resolve))

describe('answers kept by the read model', () => {
  it('answers a reload with its ETag by 304, and gzips once', async () => {
    hub = statusHub({ config: demoConfig(), readModel: true })
    for (const path of [
      '/',
      '/status/public',
      '/internal',
      '/api/v1/checks',
      '/api/v2/summary.json',
    ]) {
      const first = await get(path)
      expect(first.status, path).toBe(200)
      const etag = first.headers.get('etag')!
      expect(etag, path).toMatch(/^W\/"/)
      const again = await get(path, { 'if-none-match': etag })
      expect(again.status, path).toBe(304)
      expect(again.text, path).toBe('')
      const zipped = await hub.app.request(path, { headers: { 'accept-encoding': 'gzip' } })
      expect(zipped.headers.get('etag'), path).toBe(etag)
      if (first.text.length > 1_024)
        expect(zipped.headers.get('content-encoding'), path).toBe('gzip')
    }
  })

  it('shows a check’s new state on the next request after the read model says it changed', async () => {
    hub = statusHub({ config: demoConfig(), readModel: true })
    const before = await get('/')
    expect(before.text).toContain('All systems operational')
    const internal = await get('/internal')
    expect(internal.text).toContain('4 of 4 checks up')
    const list = await get('/api/v1/checks')

    const changed = nextChange()
    hub.setState('web', 'down')
    expect(await changed).toBe('state web')

    const after = await get('/', { 'if-none-match': before.headers.get('etag')! })
    expect(after.status).toBe(200)
    expect(after.text).toContain('Major outage')
    expect((await get('/internal')).text).toContain('3 of 4 checks up')
    expect((await get('/internal?state=down')).text).toContain('id="check-web"')
    const listed = await get('/api/v1/checks', { 'if-none-match': list.headers.get('etag')! })
    expect(listed.status).toBe(200)
    expect(JSON.parse(listed.text).summary).toMatchObject({ down: 1, up: 3 })
    expect((await get('/api/v2/status.json')).text).toContain('"indicator":"critical"')
  })

  it('keeps a page right after a result arrives', async () => {
    hub = statusHub({ config: demoConfig(), readModel: true })
    const first = await get('/api/v1/checks')
    const web = () =>
      (JSON.parse(first.text).checks as Array<{ id: string; regions: Record<string, any> }>).find(
        (c) => c.id === 'web',
      )!
    expect(web().regions['eu-west'].latest).toBeNull()
    await get('/internal')

    hub.store({
      checkId: 'web',
      status: 'down',
      error: { code: 'HTTP_STATUS', message: 'status 503' },
      durationMs: 91,
    })
    const again = await get('/api/v1/checks', { 'if-none-match': first.headers.get('etag')! })
    expect(again.status).toBe(200)
    const view = (JSON.parse(again.text).checks as Array<any>).find((c) => c.id === 'web')
    expect(view.regions['eu-west'].latest).toMatchObject({ status: 'down', durationMs: 91 })
    expect(view.availability['1h'].regions['eu-west']).toBe(0)
    expect((await get('/internal')).text).toContain('HTTP_STATUS')
  })

  it('pages a big page and the internal view, with every check counted', async () => {
    const checks = Array.from({ length: 120 }, (_, i) => ({
      kind: 'http',
      id: `svc-${i}`,
      url: `https://svc-${i}.example.com/`,
    }))
    const { statusPages: _none, ...config } = demoConfig()
    hub = statusHub({ config: { ...config, checks }, readModel: true })
    hub.setState('svc-70', 'down')
    const home = await get('/')
    expect(home.text.match(/<li tabindex="0"/g)).toHaveLength(50 * 90)
    expect(home.text).toContain('120 components: 119 operational, 1 major outage.')
    expect(home.text).toContain('href="?page=2#c-svc-70"')
    expect(home.text).toContain('Page 1 of 3')
    const third = await get('/?page=3')
    expect(third.text.match(/<li tabindex="0"/g)).toHaveLength(20 * 90)
    expect(third.headers.get('etag')).not.toBe(home.headers.get('etag'))
    const internal = await get('/internal?page=2')
    expect(internal.text.match(/<article class="card"/g)).toHaveLength(50)
    expect(internal.text).toContain('Page 2 of 3')
    expect(internal.text).toContain('119 of 120 checks up')
    expect((await get('/internal?state=down')).text.match(/<article class="card"/g)).toHaveLength(1)
  })
})
