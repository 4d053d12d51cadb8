/**
 * `vantage test` as CI runs it: a real process against real loopback targets, its
 * exit code, its table, its JSON, and its filters.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { checkResultSchema } from '../../checks/result.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../../bin/vantage.js', import.meta.url))

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Asynchronous on purpose: the targets live in this process and must keep answering. */
function vantageTest(args: string[], cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [VANTAGE_BIN, 'test', ...args],
      { cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

describe('vantage test', () => {
  const dir = useTempDir('vantage-test-cmd-')
  let home: TargetServer
  let api: TargetServer
  let monitors: string

  beforeAll(async () => {
    home = await startTargetServer()
    api = await startTargetServer()
    monitors = join(dir.path, 'monitors.ts')
    writeFileSync(
      monitors,
      `export default {
        defaults: { regions: ['eu-west'], timeout: '5s' },
        checks: [
          { kind: 'http', id: 'home', name: 'Home page', url: '${home.url}/' },
          { kind: 'http', id: 'api-health', name: 'API health', url: '${api.url}/health', regions: ['eu-west', 'us-east'] },
          { kind: 'http', id: 'api-redirect', url: '${api.url}/redirect', regions: ['us-east'] },
          { kind: 'http', id: 'retired', url: '${home.url}/', enabled: false },
        ],
      }\n`,
    )
  })

  beforeEach(async () => {
    await home.setMode('ok')
    await api.setMode('ok')
  })

  afterAll(async () => {
    await home?.close()
    await api?.close()
  })

  it('exits 0 and prints a table with timings when every check is up', async () => {
    const run = await vantageTest([monitors])
    expect(run.code, run.stderr).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toMatch(/^STATUS\s+CHECK\s+KIND\s+DURATION\s+CONNECT\s+TTFB\s+TRANSFER/)
    for (const id of ['home', 'api-health', 'api-redirect']) {
      expect(run.stdout).toMatch(
        new RegExp(`^up\\s+${id}\\s+http\\s+[\\d.]+m?s\\s+[\\d.]+m?s`, 'm'),
      )
    }
    expect(run.stdout).toMatch(/^skipped\s+retired\s+http/m)
    expect(run.stdout).toContain('skipped: disabled (enabled: false)')
    expect(run.stdout).toContain('3 up, 0 degraded, 0 down, 0 inconclusive, 1 skipped')
    expect(run.stdout).toContain('PASS: no check down')
    expect(run.stdout).not.toContain('\x1b[')
    // Progress goes to stderr, one line per finished check when it is not a terminal.
    expect(run.stderr).toMatch(/\[3\/3\] up\s+\S+/)
  })

  it('exits 1 when a target fails, with every failed assertion as expected/got', async () => {
    await api.setMode('error')
    const run = await vantageTest([monitors])
    expect(run.code, run.stderr).toBe(1)
    expect(run.stdout).toMatch(/^up\s+home/m)
    expect(run.stdout).toMatch(/^down\s+api-health/m)
    expect(run.stdout).toMatch(/^down\s+api-redirect/m)
    expect(run.stdout).toContain('✗ status: expected 200..399, got 500')
    expect(run.stdout).toContain('HTTP_STATUS: status 500, expected 200..399')
    expect(run.stdout).toContain('1 up, 0 degraded, 2 down, 0 inconclusive, 1 skipped')
    expect(run.stdout).toContain('FAIL: 2 check(s) down')
  })

  it('reports a refused connection with its error code', async () => {
    await api.setMode('refuse')
    const run = await vantageTest([monitors, '--grep', '^api-health$'])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/^down\s+api-health/m)
    expect(run.stdout).toContain('CONNECT_REFUSED: connection refused')
  })

  it('prints only the CheckResult array with --json', async () => {
    await home.setMode('error')
    const run = await vantageTest([monitors, '--json'])
    expect(run.code, run.stderr).toBe(1)
    const results = z.array(checkResultSchema).parse(JSON.parse(run.stdout))
    expect(results.map((result) => [result.checkId, result.status])).toEqual([
      ['home', 'down'],
      ['api-health', 'up'],
      ['api-redirect', 'up'],
    ])
    for (const result of results) {
      expect(result.trigger).toBe('manual')
      expect(result.phases?.ttfbMs).toBeGreaterThanOrEqual(0)
    }
    expect(results[0]!.assertions).toContainEqual({
      name: 'status',
      ok: false,
      expected: '200..399',
      actual: '500',
    })
    expect(run.stderr).toContain('skipped retired: disabled (enabled: false)')
  })

  it('runs only the checks whose id or name matches --grep', async () => {
    const run = await vantageTest([monitors, '--grep', 'home PAGE', '--json'])
    expect(run.code, run.stderr).toBe(0)
    const results = z.array(checkResultSchema).parse(JSON.parse(run.stdout))
    expect(results.map((result) => result.checkId)).toEqual(['home'])
    expect(home.stats().requests).toBeGreaterThan(0)
  })

  it('runs only the checks of --region and stamps the results with it', async () => {
    await home.setMode('error')
    const run = await vantageTest([monitors, '--region', 'us-east', '--json'])
    // `home` is down but runs only in eu-west, so it is not run and the exit is 0.
    expect(run.code, run.stderr).toBe(0)
    const results = z.array(checkResultSchema).parse(JSON.parse(run.stdout))
    expect(results.map((result) => [result.checkId, result.region])).toEqual([
      ['api-health', 'us-east'],
      ['api-redirect', 'us-east'],
    ])
  })

  it('exits 1 when no check matches the filters, so a typo cannot pass CI', async () => {
    const run = await vantageTest([monitors, '--grep', 'no-such-check'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('no check matches --grep no-such-check')
    expect(run.stdout).toBe('')
  })

  it('exits 1 on a broken monitors file and lists every error', async () => {
    const broken = join(dir.path, 'broken.ts')
    writeFileSync(
      broken,
      `export default {
        defaults: { regions: ['eu-west'] },
        checks: [
          { kind: 'http', id: 'ok', url: '${home.url}/' },
          { kind: 'http', id: 'bad-every', url: '${home.url}/', every: '7x' },
          { kind: 'smtp', id: 'what' },
          { kind: 'http', id: 'no-url' },
        ],
      }\n`,
    )
    const requestsBefore = home.stats().requests
    const run = await vantageTest([broken])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('3 error(s)')
    expect(run.stderr).toContain('checks[1].every: "7x" is not a duration')
    expect(run.stderr).toContain('checks[2].kind: unknown kind "smtp"')
    expect(run.stderr).toContain('checks[3].url')
    expect(run.stdout).toBe('')
    expect(home.stats().requests).toBe(requestsBefore)
  })

  it('reads ./monitors.ts by default and says when there is none', async () => {
    const here = await vantageTest(['--grep', '^home$'], dir.path)
    expect(here.code, here.stderr).toBe(0)
    expect(here.stdout).toMatch(/^up\s+home/m)
    const empty = join(dir.path, 'empty')
    mkdirSync(empty)
    const missing = await vantageTest([], empty)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('./monitors.ts: no such file')
  })
})
