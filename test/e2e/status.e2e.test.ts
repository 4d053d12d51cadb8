/**
 * `vantage status` against a real hub process: with the hub's API token it lists checks
 * with their state and each heartbeat's ping URL, which a job can then call; without it,
 * a hub that has a token shows none of its internals.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../../bin/vantage.js', import.meta.url))
const API_TOKEN = 'e2e-status-token'

/** Runs `vantage status` without blocking the event loop; resolves with its exit and output. */
function status(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [VANTAGE_BIN, 'status', ...args], {
      // The parent's VANTAGE_API_TOKEN must not leak into the runs that test its absence.
      env: { ...process.env, VANTAGE_API_TOKEN: '', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('vantage status', () => {
  let network: Network

  beforeAll(async () => {
    network = await startNetwork({
      name: 'vantage-status-',
      monitors: {
        project: 'Status E2E',
        defaults: { regions: ['eu-west'] },
        channels: [],
        checks: [
          { kind: 'http', id: 'api', url: 'http://127.0.0.1:9/health' },
          { kind: 'heartbeat', id: 'nightly-backup', every: '1d', grace: '2h' },
        ],
      },
      hubEnv: { VANTAGE_API_TOKEN: API_TOKEN },
    })
  })

  afterAll(async () => {
    await network?.stop()
  })

  it('prints each check, and the ping URL with the API token', async () => {
    const run = await status(['--hub', network.hub.httpUrl], { VANTAGE_API_TOKEN: API_TOKEN })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    // SINCE, MAINTENANCE, SILENCED and ACKED are empty ("-") before anything happened.
    expect(run.stdout).toMatch(/^unknown\s+api\s+http\s+(-\s+){4}http:\/\/127\.0\.0\.1:9\/health$/m)
    expect(run.stdout).toMatch(/^unknown\s+nightly-backup\s+heartbeat\s+(-\s+){4}a ping every 1d/m)
    const pingUrl = run.stdout.match(/ping URL\s+(http:\/\/\S+\/ping\/[A-Za-z0-9_-]{32})$/m)?.[1]
    expect(pingUrl).toBeDefined()
    expect(pingUrl!.startsWith(`${network.hub.httpUrl}/ping/`)).toBe(true)

    // The printed URL is the one a cron job calls.
    const ping = await fetch(pingUrl!, { method: 'POST', body: 'backup ok' })
    expect(await ping.text()).toBe('OK\n')
    const after = await waitFor('the ping to show in vantage status', async () => {
      const again = await status(['--hub', network.hub.httpUrl, '--api-token', API_TOKEN])
      return /^up\s+nightly-backup/m.test(again.stdout) ? again.stdout : null
    })
    expect(after).toMatch(/last ping\s+\S+ \(success\)/)
  })

  it('shows nothing without the token of a hub that has one, and says which flag to pass', async () => {
    const run = await status(['--hub', network.hub.httpUrl])
    expect(run.code).toBe(1)
    expect(run.stdout).not.toMatch(/\/ping\//)
    expect(run.stderr).toContain('the hub needs its API token; pass it with --api-token')
  })

  it('says so when the hub cannot be reached', async () => {
    const run = await status(['--hub', 'http://127.0.0.1:9'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('cannot reach the hub at http://127.0.0.1:9')
  })
})
