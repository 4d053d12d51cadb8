/**
 * `vantage incident post|update|list` and `vantage status export` as real processes
 * against a real hub on loopback.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { http, statusPage } from '../checks/define.ts'
import { startTestHub, type TestHub } from '../test/fixtures/test-hub.ts'
import { useTempDir } from '../test/fixtures/temp-dir.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../bin/vantage.js', import.meta.url))
const TOKEN = 'incident-cli-token'

function vantage(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // Unset rather than empty: `status export` inherits the options of `status` too.
    const { VANTAGE_API_TOKEN: _token, VANTAGE_HUB_URL: _hub, ...env } = process.env
    const child = spawn(process.execPath, [VANTAGE_BIN, ...args], { env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

let hub: TestHub
const dirs = useTempDir('vantage-export-')
beforeAll(async () => {
  hub = await startTestHub(
    {
      project: 'Acme',
      channels: [],
      defaults: { regions: ['eu-west'] },
      checks: [http('api', { url: 'http://127.0.0.1:9/health' })],
      statusPages: [
        statusPage('public', {
          title: 'Acme status',
          home: true,
          components: [{ name: 'API', checks: ['api'] }],
        }),
      ],
    },
    { apiToken: TOKEN },
  )
})
afterAll(() => hub.close())

describe('vantage incident', () => {
  it('posts, updates and backfills incidents, and needs the token', async () => {
    const auth = ['--hub', hub.httpUrl, '--api-token', TOKEN]
    const denied = await vantage([
      'incident',
      'post',
      '--title',
      'x',
      '--message',
      'y',
      '--hub',
      hub.httpUrl,
    ])
    expect(denied.code).toBe(1)
    expect(denied.stderr).toContain('needs its API token')

    const posted = await vantage([
      ...['incident', 'post', '--title', 'Slow API', '--message', 'Investigating slow responses'],
      ...['--component', 'api', ...auth],
    ])
    expect(posted.stderr).toBe('')
    expect(posted.code).toBe(0)
    const id = /^(\w{26})\s+incident\s+investigating/.exec(posted.stdout)![1]!

    const updated = await vantage([
      ...['incident', 'update', id, '--status', 'resolved', '--message', 'A cache was cold'],
      ...auth,
    ])
    expect(updated.stdout).toContain('resolved: A cache was cold')

    const backfilled = await vantage([
      ...['incident', 'post', '--title', 'Login outage', '--message', 'Fixed'],
      ...['--status', 'resolved', '--at', '2026-01-05T10:00:00Z', '--page', 'public', ...auth],
    ])
    expect(backfilled.stdout).toContain('2026-01-05 10:00 UTC resolved: Fixed')

    const bad = await vantage([
      'incident',
      'post',
      '--title',
      'x',
      '--message',
      'y',
      '--component',
      'nope',
      ...auth,
    ])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('components[0]: no component "nope"')

    const listed = await vantage(['incident', 'list', ...auth])
    expect(listed.stdout).toContain('Slow API')
    expect(listed.stdout).toContain('Login outage')
  })
})

describe('vantage status export', () => {
  it('writes a static copy that links its files relatively and runs no script', async () => {
    const dir = join(dirs.path, 'copy')
    const run = await vantage(['status', 'export', dir, '--hub', hub.httpUrl])
    expect(run.stderr).toBe('')
    expect(run.stdout).toMatch(/^wrote \d+ files to /)
    const html = readFileSync(join(dir, 'index.html'), 'utf8')
    expect(html).toContain('<h1>Acme status</h1>')
    expect(html).toContain('href="./history.rss"')
    expect(html).not.toContain('<script>')
    for (const file of [
      'api/v2/summary.json',
      'api/v2/incidents/unresolved.json',
      'api/v2/scheduled-maintenances/upcoming.json',
      'history.rss',
      'history.atom',
      'badges/status.svg',
      'badges/uptime-90d.json',
      'badges/api/status.svg',
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true)
    }
    expect(JSON.parse(readFileSync(join(dir, 'api/v2/status.json'), 'utf8')).page.id).toBe('public')

    const missing = await vantage(['status', 'export', dir, '--page', 'nope', '--hub', hub.httpUrl])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no status page "nope"')
  })
})
