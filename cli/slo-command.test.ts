/**
 * `vantage slo` as a real process against a real hub on loopback: the list, one SLO, and
 * the gate, which closes (exit 1) once a check's failure spends the budget.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { heartbeat } from '../checks/define.ts'
import { slo } from '../checks/slo.ts'
import type { HeartbeatListItem } from '../hub/api/contract.ts'
import { waitFor } from '../test/e2e/processes.ts'
import { startTestHub, type TestHub } from '../test/fixtures/test-hub.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../bin/vantage.js', import.meta.url))

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

beforeAll(async () => {
  hub = await startTestHub({
    project: 'Acme',
    channels: [],
    slos: [slo('backups', { checks: ['nightly-backup'], target: 99, window: '7d' })],
    checks: [heartbeat('nightly-backup', { every: '1d', grace: '2h' })],
  })
})
afterAll(() => hub?.close())

describe('vantage slo', () => {
  it('lists SLOs and shows one, and the gate opens while the budget has room', async () => {
    const list = await vantage(['slo', 'list', '--hub', hub.httpUrl])
    expect(list.stderr).toBe('')
    expect(list.stdout).toMatch(
      /^SLO\s+OBJECTIVE\s+BUDGET LEFT\s+BURN 1h\s+BURN 6h\s+BURN 1d\s+ALERTS\s+GATE$/m,
    )
    expect(list.stdout).toMatch(/^backups\s+99 % over 7d\s+.*\s+open$/m)
    const show = await vantage(['slo', 'show', 'backups', '--hub', hub.httpUrl])
    expect(show.stdout).toContain('SLO backups')
    expect(show.stdout).toMatch(/pages\s+after 9 bad minute\(s\) \(1h\/5m\)/)
    expect(show.stdout).toMatch(/^\s+1h\/5m\s+page\s+14\.4×/m)
    const gate = await vantage(['slo', 'gate', 'backups', '--hub', hub.httpUrl])
    expect(gate).toMatchObject({
      code: 0,
      stdout: 'slo backups: the error budget has room; the gate is open\n',
    })
    const unknown = await vantage(['slo', 'show', 'nope', '--hub', hub.httpUrl])
    expect(unknown).toMatchObject({ code: 1, stderr: 'vantage slo: no SLO named "nope"\n' })
  })

  it('closes the gate (exit 1) once a failure spends the budget', async () => {
    const [backup] = (await (
      await fetch(`${hub.httpUrl}/api/v1/heartbeats`)
    ).json()) as HeartbeatListItem[]
    await fetch(`${backup!.pingUrl}/fail`, { method: 'POST', body: 'disk full' })
    await waitFor('the SLO to see the failure', async () => {
      const response = await fetch(`${hub.httpUrl}/api/v1/slos/backups/gate`)
      return response.status === 409
    })
    const gate = await vantage(['slo', 'gate', 'backups', '--hub', hub.httpUrl])
    expect(gate.code).toBe(1)
    expect(gate.stderr).toMatch(
      /^vantage slo gate: the error budget of backups is spent: 99 % over 7d \(.* left\); the gate is closed\n$/,
    )
  })
})
