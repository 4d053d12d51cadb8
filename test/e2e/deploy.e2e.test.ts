/**
 * Deploys with real processes: a hub with an API token and two probes in two regions,
 * one holding the hub's key file and one pinning the key's fingerprint. `vantage deploy`
 * (the real CLI) shows a plan, uploads a changed monitors file, and both probes report
 * the new version in their retained status within the bound of 5 s; the new
 * check's results arrive from both regions. A dry run changes nothing, a rollback
 * restores the old checks as a new version, and a hub started without --checks resumes
 * the last deploy.
 */
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CheckView } from '../../hub/views/check-view.ts'
import type { ProbeInfo } from '../../hub/probes/probe-info.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../../bin/vantage.js', import.meta.url))
const TOKEN = 'e2e-deploy-token'
/** The bound: a change reaches every live probe within 5 s. */
const REACH_BOUND_MS = 5_000

interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs `vantage ...` to the end without blocking this process (the probes' results keep flowing). */
async function vantage(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [VANTAGE_BIN, ...args], {
      env: { ...process.env, VANTAGE_API_TOKEN: TOKEN, ...env },
      timeout: 30_000,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string }
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' }
  }
}

function monitors(checks: string): string {
  return `export default {
    project: 'Deploys',
    defaults: { regions: ['eu-west', 'us-east'], every: '1s', timeout: '2s' },
    checks: [${checks}],
  }\n`
}

describe('vantage deploy', () => {
  let target: TargetServer
  let network: Network
  let v2File: string
  let firstVersion: string

  const running = () =>
    network.getJson<{ version: string; createdAt: number; checks: { id: string }[] }>(
      '/api/v1/config',
    )
  const probeVersions = async () =>
    (await network.getJson<ProbeInfo[]>('/api/v1/probes')).map(
      (probe) => probe.stats?.configVersion,
    )

  /** Waits for both probes to report `version`, and checks the bound from the hub's deploy time. */
  async function expectBothProbesOn(version: string, deployedAt: number): Promise<void> {
    await waitFor(
      `both probes to report config ${version}`,
      async () => {
        const versions = await probeVersions()
        return versions.length === 2 && versions.every((seen) => seen === version)
      },
      REACH_BOUND_MS,
      100,
    )
    expect(Date.now() - deployedAt).toBeLessThanOrEqual(REACH_BOUND_MS)
  }

  beforeAll(async () => {
    target = await startTargetServer()
    // eu-west-1 verifies bundles with the hub's key file (the default); us-east-1, started
    // below, with the key's fingerprint.
    network = await startNetwork({
      name: 'vantage-deploy-e2e-',
      monitors: monitors(`{ kind: 'http', id: 'site', url: '${target.url}/' }`),
      hubArgs: ['--api-token', TOKEN],
      apiToken: TOKEN,
      probes: [{ id: 'eu-west-1', region: 'eu-west' }],
    })
    v2File = join(network.dir, 'v2.ts')
    writeFileSync(
      v2File,
      monitors(
        `{ kind: 'http', id: 'site', url: '${target.url}/', every: '2s' },
         { kind: 'http', id: 'api', url: '${target.url}/', expect: { status: [200, 204] } }`,
      ),
    )
    const fingerprint = /hub key\s+(sha256:[0-9a-f]{64})/.exec(network.hub.output())?.[1]
    expect(fingerprint).toBeDefined()
    const printed = await vantage(['hub', '--data', network.hubDir, '--print-key-fingerprint'])
    expect(printed.stdout.trim()).toBe(fingerprint)
    await network.startProbe({ id: 'us-east-1', region: 'us-east', hubKey: fingerprint! })
    firstVersion = (await running()).version
    await waitFor('both probes to run the first config', async () => {
      const versions = await probeVersions()
      return versions.length === 2 && versions.every((seen) => seen === firstVersion)
    })
  })

  afterAll(async () => {
    await network?.stop()
    await target?.close()
  })

  it('shows a dry run plan and changes nothing', async () => {
    const run = await vantage(['deploy', v2File, '--hub', network.hub.httpUrl, '--dry-run'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`Plan for ${network.hub.httpUrl} (running ${firstVersion}):`)
    expect(run.stdout).toContain('  + api (http)\n')
    expect(run.stdout).toContain('  ~ site (http)\n      every: 1s → 2s\n')
    expect(run.stdout).toContain('dry run: nothing deployed')
    expect((await running()).version).toBe(firstVersion)
    expect(await probeVersions()).toEqual([firstVersion, firstVersion])
  })

  it('says what is wrong: a missing token, errors in the file, a hub that is not there', async () => {
    const noToken = await vantage(['deploy', v2File, '--hub', network.hub.httpUrl], {
      VANTAGE_API_TOKEN: '',
    })
    expect(noToken.code).toBe(1)
    expect(noToken.stderr).toContain('the hub needs its API token; pass it with --token')

    const broken = join(network.dir, 'broken.ts')
    writeFileSync(
      broken,
      monitors(`{ kind: 'http', id: 'x', url: 'ftp://x' }, { kind: 'smtp', id: 'y' }`),
    )
    const invalid = await vantage(['deploy', broken, '--hub', network.hub.httpUrl])
    expect(invalid.code).toBe(1)
    expect(invalid.stderr).toContain('broken.ts: 2 error(s)')
    expect(invalid.stderr).toContain('checks[0].url: must be an http:// or https:// URL')
    expect(invalid.stderr).toContain('checks[1].kind: unknown kind "smtp"')

    const away = await vantage(['deploy', v2File, '--hub', 'http://127.0.0.1:9'])
    expect(away.code).toBe(1)
    expect(away.stderr).toMatch(/cannot reach the hub at http:\/\/127\.0\.0\.1:9 .*--hub/)
    expect((await running()).version).toBe(firstVersion)
  })

  it('deploys a changed file to every live probe within 5 s, and rolls it back', async () => {
    const run = await vantage(['deploy', v2File, '--hub', network.hub.httpUrl, '--source', 'e2e'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const deployed = await running()
    expect(deployed.version).not.toBe(firstVersion)
    expect(run.stdout).toContain(`deployed version ${deployed.version}`)
    expect(deployed.checks.map((check) => check.id)).toEqual(['site', 'api'])
    await expectBothProbesOn(deployed.version, deployed.createdAt)

    // Results from both regions, judged by the alert engine, which learned the check too.
    await waitFor('results of the new check from both regions', async () => {
      const api = (await network.getJson<{ checks: CheckView[] }>('/api/v1/checks')).checks.find(
        (c) => c.id === 'api',
      )
      const regions = Object.values(api?.regions ?? {})
      return (
        api?.state.status === 'up' &&
        regions.length === 2 &&
        regions.every((region) => region.latest?.status === 'up')
      )
    })

    const list = await vantage(['deploy', '--list', '--hub', network.hub.httpUrl])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(new RegExp(`${deployed.version} .* e2e  \\(running\\)`))
    expect(list.stdout).toContain(firstVersion)

    const back = await vantage(['deploy', '--rollback', firstVersion, '--hub', network.hub.httpUrl])
    expect(back.stderr).toBe('')
    expect(back.code).toBe(0)
    expect(back.stdout).toContain('  - api (http)')
    const restored = await running()
    expect(back.stdout).toContain(`deployed version ${restored.version}`)
    expect(restored.version).not.toBe(firstVersion)
    expect(restored.version.split('-')[1]).toBe(firstVersion.split('-')[1])
    expect(restored.checks.map((check) => check.id)).toEqual(['site'])
    await expectBothProbesOn(restored.version, restored.createdAt)

    const unknown = await vantage([
      'deploy',
      '--rollback',
      '99-deadbeef',
      '--hub',
      network.hub.httpUrl,
    ])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('no deploy has version 99-deadbeef')
  })

  it('resumes the last deploy when the hub restarts without --checks', async () => {
    const last = (await running()).version
    await Promise.all(network.probes.map((probe) => probe.stop()))
    await network.hub.stop()
    await network.startHub({ resume: true })
    expect(network.hub.output()).toContain(`config ${last} (resumed from`)
    expect((await running()).version).toBe(last)

    const empty = await vantage([
      'hub',
      '--data',
      join(network.dir, 'empty'),
      '--port',
      '0',
      '--mqtt-port',
      '0',
    ])
    expect(empty.code).toBe(1)
    expect(empty.stderr).toContain('no deployed config to resume')
    expect(empty.stderr).toContain('--checks monitors.ts')
  })
})
