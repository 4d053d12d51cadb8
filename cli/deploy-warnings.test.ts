/**
 * Deploy warnings end to end: `vantage deploy` as a real process against a real hub on
 * loopback that knows one live probe and allow-lists one remediation command. What
 * would only fail at 3 a.m. is printed as "warning:" lines and returned by the deploy
 * API, and the deploy still goes through.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../test/e2e/processes.ts'
import { connectClient, type TestClient } from '../test/fixtures/mqtt-clients.ts'
import { useTempDir } from '../test/fixtures/temp-dir.ts'
import { startTestHub, type TestHub } from '../test/fixtures/test-hub.ts'
import type { DeployPlan } from '../hub/api/contract.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../bin/vantage.js', import.meta.url))
const CHECKS_INDEX = fileURLToPath(new URL('../checks/index.ts', import.meta.url))
const TOKEN = 'deploy-warnings-token'

const RUNNING = {
  project: 'Acme',
  channels: [],
  defaults: { regions: ['eu-west'] },
  checks: [{ kind: 'http', id: 'api', url: 'http://127.0.0.1:9/health' }],
}

const dir = useTempDir('vantage-deploy-warnings-')
let hub: TestHub
let probe: TestClient

function vantage(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [VANTAGE_BIN, ...args], {
      // VANTAGE_TEST_HOOK_SECRET is never set: the webhook would go out unsigned.
      env: { ...process.env, VANTAGE_API_TOKEN: '' },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

beforeAll(async () => {
  hub = await startTestHub(RUNNING, {
    apiToken: TOKEN,
    remediationCommands: new Map([['restart-api', { argv: ['true'], timeoutMs: 1_000, env: {} }]]),
  })
  // One live probe, in eu-west, as a probe announces itself: a retained status.
  probe = await connectClient(hub.mqttUrl, { clientId: 'eu-west-1' })
  const status = { state: 'online', probeId: 'eu-west-1', region: 'eu-west', labels: {} }
  await probe.client.publishAsync('vantage/v1/probes/eu-west-1/status', JSON.stringify(status), {
    retain: true,
    qos: 1,
  })
  await waitFor('the hub to know the probe', async () => {
    // The probe list carries internals: a hub with an API token shows it to token holders only.
    const headers = { authorization: `Bearer ${TOKEN}` }
    const probes = (await (
      await fetch(`${hub.httpUrl}/api/v1/probes`, { headers })
    ).json()) as unknown[]
    return probes.length === 1 ? true : null
  })
})

afterAll(async () => {
  await probe?.end()
  await hub?.close()
})

const NEXT = `import { channels, defineMonitoring, http } from ${JSON.stringify(CHECKS_INDEX)}
export default defineMonitoring({
  project: 'Acme',
  defaults: { regions: ['eu-west', 'ap-south'], alert: { quorum: 1 } },
  channels: [
    channels.webhook('ops', { url: 'https://hooks.example.com/x', secret: process.env.VANTAGE_TEST_HOOK_SECRET }),
  ],
  checks: [
    http('api', {
      url: 'http://127.0.0.1:9/health',
      remediate: [{ command: 'restart-api' }, { command: 'flush-cache' }],
    }),
  ],
})
`

const HUB_WARNINGS = [
  'region "ap-south" has no live probe (no probe of it has connected to this hub): api will not run there until one connects',
  `check "api": remediate[1].command "flush-cache" will be skipped: the hub's --remediation file does not list it`,
]

describe('deploy warnings', () => {
  it('are returned by the deploy API with the plan', async () => {
    const config = {
      ...RUNNING,
      defaults: { regions: ['eu-west', 'ap-south'], alert: { quorum: 1 } },
      checks: [
        {
          ...RUNNING.checks[0],
          remediate: [{ command: 'restart-api' }, { command: 'flush-cache' }],
        },
      ],
    }
    const response = await fetch(`${hub.httpUrl}/api/v1/deploys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ config, dryRun: true }),
    })
    expect(response.status).toBe(200)
    const answer = (await response.json()) as { plan: DeployPlan }
    expect(answer.plan.warnings).toEqual(HUB_WARNINGS)
  })

  it('are printed with "warning:" by vantage deploy, which still deploys', async () => {
    const file = join(dir.path, 'monitors.ts')
    writeFileSync(file, NEXT)
    const before = hub.live.deployed().bundle.version
    const run = await vantage(['deploy', file, '--hub', hub.httpUrl, '--token', TOKEN])

    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr.split('\n').filter(Boolean)).toEqual([
      'warning: channel "ops" (webhook): secret is undefined; unset or empty while the file loaded: VANTAGE_TEST_HOOK_SECRET',
      ...HUB_WARNINGS.map((warning) => `warning: ${warning}`),
    ])
    expect(run.stdout).toMatch(/^deployed version \S+/m)
    expect(hub.live.deployed().bundle.version).not.toBe(before)
  })
})
