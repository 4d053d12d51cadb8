import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkSpecSchema, type CheckSpec } from '../../checks/spec.ts'
import { silentLogger } from '../../lib/logger.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { ArtifactStore } from '../artifacts/artifact-store.ts'
import type { IncidentWithTimeline } from '../incidents/incident-store.ts'
import { openDatabase } from '../store/database.ts'
import { artifactRoutes, evidenceMarkdown } from './artifact-routes.ts'

const TOKEN = 'tok'
const MINUTE = 60_000
const START = Date.UTC(2026, 4, 1, 12, 0)
const RESULT = '01JBBBBBBBBBBBBBBBBBBBBBBB'

function check(isPublic: boolean): CheckSpec {
  return checkSpecSchema.parse({
    kind: 'browser',
    id: 'checkout',
    name: 'Checkout',
    regions: ['eu-west'],
    script: { file: 'checkout.ts', code: 'x', sha256: 'a'.repeat(64) },
    artifacts: { public: isPublic },
  })
}

const incident: IncidentWithTimeline = {
  incidentId: 'INC1',
  checkId: 'checkout',
  kind: 'down',
  startedAt: START,
  endedAt: null,
  regions: ['eu-west'],
  firstError: { code: 'ASSERTION_FAILED', message: 'expected "Welcome", got "Oops"' },
  ackedAt: null,
  ackedBy: null,
  timeline: [{ at: START, type: 'fired', detail: { failing: ['eu-west'] } }],
} as unknown as IncidentWithTimeline

function setup(isPublic = false) {
  const dir = tempDir('vantage-artifact-routes-')
  const store = new ArtifactStore({
    db: openDatabase(':memory:'),
    dir: join(dir, 'artifacts'),
    logger: silentLogger(),
  })
  for (const [name, type] of [
    ['step-2-log-in.png', 'screenshot'],
    ['final.png', 'screenshot'],
    ['trace.zip', 'trace'],
  ] as const) {
    const temp = join(dir, name)
    writeFileSync(temp, name)
    store.add(
      {
        resultId: RESULT,
        name,
        checkId: 'checkout',
        probeId: 'eu-1',
        type,
        bytes: name.length,
        sha256: 'f'.repeat(64),
        status: 'down',
        errorCode: 'ASSERTION_FAILED',
        createdAt: START - 2 * MINUTE,
      },
      temp,
      START,
    )
  }
  const app = artifactRoutes({
    store,
    checks: () => [check(isPublic)],
    incident: (id) => (id === 'INC1' ? incident : undefined),
    project: () => 'Acme',
    apiToken: TOKEN,
    now: () => START + 5 * MINUTE,
  })
  const get = (path: string, token?: string) =>
    app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return { store, get }
}

describe('artifact routes', () => {
  it("show the incident with its failing step's screenshot and links to every file", async () => {
    const { get } = setup()
    const page = await get('/internal/incidents/INC1', TOKEN)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('<h1>Checkout</h1>')
    expect(html).toContain(`<img src="/api/v1/artifacts/${RESULT}/step-2-log-in.png"`)
    expect(html).toContain(`href="/api/v1/artifacts/${RESULT}/trace.zip"`)
    expect(html).toContain('ASSERTION_FAILED')
    expect((await get('/internal/incidents/INC1')).status).toBe(401)
    expect((await get('/internal/incidents/NOPE', TOKEN)).status).toBe(404)
  })

  it('serve files to the token only, unless the check makes its screenshots public', async () => {
    const closed = setup(false)
    expect((await closed.get(`/api/v1/artifacts/${RESULT}/final.png`)).status).toBe(401)
    const file = await closed.get(`/api/v1/artifacts/${RESULT}/final.png`, TOKEN)
    expect(file.headers.get('content-type')).toBe('image/png')
    expect(await file.text()).toBe('final.png')
    const open = setup(true)
    expect((await open.get(`/api/v1/artifacts/${RESULT}/final.png`)).status).toBe(200)
    // The trace records what was typed: never public.
    expect((await open.get(`/api/v1/artifacts/${RESULT}/trace.zip`)).status).toBe(401)
  })

  it('link the evidence in the incident report', () => {
    const { store } = setup()
    const markdown = evidenceMarkdown(
      store,
      incident,
      START + 5 * MINUTE,
      'https://hub.example.com',
    )
    expect(markdown).toContain(
      `![The last failed run](https://hub.example.com/api/v1/artifacts/${RESULT}/step-2-log-in.png)`,
    )
    expect(markdown).toContain(
      `[trace.zip](https://hub.example.com/api/v1/artifacts/${RESULT}/trace.zip)`,
    )
  })
})
