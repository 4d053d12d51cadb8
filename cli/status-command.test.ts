/**
 * `vantage status` (and the other commands that call the hub) as a real process against
 * a real hub on loopback: refused tokens exit 3 with one clear message, a DOWN check
 * exits 4, and the report shows since when, maintenance, silences and acks, as text
 * and as JSON.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { heartbeat, http } from '../checks/define.ts'
import type { CheckView, HeartbeatListItem } from '../hub/api/contract.ts'
import { waitFor } from '../test/e2e/processes.ts'
import { startTestHub, type TestHub } from '../test/fixtures/test-hub.ts'
import type { StatusJson } from './status-report.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../bin/vantage.js', import.meta.url))
const TOKEN = 'status-cli-token'
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
const REFUSED = 'the hub refused the API token; pass --api-token or VANTAGE_API_TOKEN'

const MONITORS = {
  project: 'Acme',
  channels: [],
  defaults: { regions: ['eu-west'] },
  checks: [
    heartbeat('nightly-backup', { every: '1d', grace: '2h' }),
    http('api', { url: 'http://127.0.0.1:9/health', tags: ['edge'] }),
  ],
}

/** Runs `vantage ...args` as a process without blocking this one's hub. */
function vantage(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [VANTAGE_BIN, ...args], {
      env: { ...process.env, VANTAGE_API_TOKEN: '', VANTAGE_HUB_URL: '' },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

let hub: TestHub

async function api<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${hub.httpUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: AUTH,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

beforeAll(async () => {
  hub = await startTestHub(MONITORS, { apiToken: TOKEN })
})
afterAll(() => hub?.close())

describe('vantage status', () => {
  it('exits 3 with one clear message when the hub refuses the token', async () => {
    const run = await vantage(['status', '--hub', hub.httpUrl, '--api-token', 'wrong'])
    expect(run).toEqual({ code: 3, stdout: '', stderr: `vantage status: ${REFUSED}\n` })
  })

  it('exits 0 while nothing is DOWN', async () => {
    const run = await vantage(['status', '--hub', hub.httpUrl, '--api-token', TOKEN])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /^STATE\s+CHECK\s+KIND\s+SINCE\s+MAINTENANCE\s+SILENCED\s+ACKED\s+TARGET$/m,
    )
  })

  it('exits 4 when a check is DOWN, showing since, maintenance, silence and ack', async () => {
    const [backup] = await api<HeartbeatListItem[]>('/api/v1/heartbeats')
    await fetch(`${backup!.pingUrl}/fail`, { method: 'POST', body: 'disk full' })
    const incidentId = await waitFor('the backup incident', async () => {
      const { checks } = await api<{ checks: CheckView[] }>('/api/v1/checks')
      return checks.find((check) => check.id === 'nightly-backup')?.state.incidentId ?? null
    })
    await api(`/api/v1/incidents/${incidentId}/ack`, { by: 'alice' })
    const silence = await api<{ window: { id: string } }>('/api/v1/silences', {
      match: { checks: ['nightly-backup'] },
      for: '1h',
    })
    const maintenance = await api<{ window: { id: string } }>('/api/v1/maintenance', {
      match: { tags: ['edge'] },
      for: '2h',
      reason: 'upgrade',
    })

    const text = await vantage(['status', '--hub', hub.httpUrl, '--api-token', TOKEN])
    expect(text.stderr).toBe('')
    expect(text.code).toBe(4)
    const sid = silence.window.id
    const mid = maintenance.window.id
    expect(text.stdout).toMatch(
      new RegExp(
        `^DOWN\\s+nightly-backup\\s+heartbeat\\s+\\d+m?s\\s+-\\s+${sid} \\((1h|59m)\\S* left\\)\\s+by alice\\s+`,
        'm',
      ),
    )
    expect(text.stdout).toMatch(
      new RegExp(
        `^unknown\\s+api\\s+http\\s+-\\s+${mid} \\(\\S+ left\\)\\s+-\\s+-\\s+http://`,
        'm',
      ),
    )
    expect(text.stdout).toContain('1 check(s) DOWN')

    const json = await vantage(['status', '--json', '--hub', hub.httpUrl, '--api-token', TOKEN])
    expect(json.code).toBe(4)
    const report = JSON.parse(json.stdout) as StatusJson
    expect(report.down).toEqual(['nightly-backup'])
    expect(report.checks.find((check) => check.id === 'nightly-backup')).toMatchObject({
      status: 'down',
      since: expect.any(Number),
      silenced: { id: sid },
      maintenance: null,
      acked: { by: 'alice', incidentId },
    })
    expect(report.checks.find((check) => check.id === 'api')).toMatchObject({
      maintenance: { id: mid, reason: 'upgrade' },
    })
    expect(report.heartbeats?.[0]?.pingUrl).toBe(backup!.pingUrl)

    // A hub with an API token keeps its check internals (targets, probes) from anonymous
    // callers: without the token there is nothing to show, and the CLI says which flag to pass.
    const anonymous = await vantage(['status', '--hub', hub.httpUrl])
    expect(anonymous.code).toBe(1)
    expect(anonymous.stderr).toContain('the hub needs its API token; pass it with --api-token')
  })

  it('exits 1 when the hub cannot be reached', async () => {
    const run = await vantage(['status', '--hub', 'http://127.0.0.1:9'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('cannot reach the hub at http://127.0.0.1:9')
  })
})

describe('the other commands that call the hub', () => {
  it('say the same about a refused token, and exit 3', async () => {
    const ack = await vantage(['ack', 'i-1', '--hub', hub.httpUrl, '--api-token', 'wrong'])
    expect(ack).toMatchObject({ code: 3, stderr: `vantage ack: ${REFUSED}\n` })
    const add = ['silence', 'add', '--check', 'api', '--for', '1h', '--hub', hub.httpUrl]
    const silence = await vantage([...add, '--api-token', 'wrong'])
    expect(silence).toMatchObject({ code: 3, stderr: `vantage silence: ${REFUSED}\n` })
    // No token at all is a missing flag, not refused credentials: a plain failure.
    const missing = await vantage(add)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('the hub needs its API token; pass it with --api-token')
  })
})
