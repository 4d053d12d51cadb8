/**
 * The stage the alerting end-to-end tests share: a monitors file, a hub and one probe
 * per region, all real processes in a temp directory, and the hub's API to read.
 * The target and the receiver stay in each test, since each needs its own kind.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  startHubProcess,
  startRegionProbes,
  waitFor,
  writeMonitors,
  type HubProcess,
  type VantageProcess,
} from './processes.ts'

/** Three regions: enough for a quorum of two with one region to spare. */
export const REGIONS = ['eu-west', 'us-east', 'ap-south'] as const

export interface AlertScenario {
  dir: string
  /** The hub's data directory, for a restart on the same state. */
  hubDir: string
  checksFile: string
  /** The running hub. A test that restarts the hub puts the new one here, so `stop` stops it. */
  hub: HubProcess
  probes: VantageProcess[]
  /** GETs a hub API path as JSON; an error answer throws with its status and body. */
  getJson(path: string): Promise<any>
  /** Waits until every region's latest result of `checkId` is up. */
  everyRegionUp(checkId?: string): Promise<void>
  /** Stops the probes, then the hub, and removes the directory. */
  stop(): Promise<void>
}

/**
 * Writes `monitors` and starts a hub on it and one probe per region.
 * @example
 * const stage = await startAlertScenario({ name: 'vantage-alerting-', monitors: { ... } })
 * await stage.everyRegionUp()
 */
export async function startAlertScenario(options: {
  /** The temp directory's prefix, e.g. `vantage-alerting-`. */
  name: string
  /** The monitors file's content; its `defaults.regions` should be `regions`. */
  monitors: object
  /** Default REGIONS. */
  regions?: readonly string[]
  /** More hub flags, e.g. `--broker`. */
  hubArgs?: string[]
}): Promise<AlertScenario> {
  const regions = options.regions ?? REGIONS
  const dir = mkdtempSync(join(tmpdir(), options.name))
  const hubDir = join(dir, 'hub')
  const checksFile = writeMonitors(dir, options.monitors)
  const hub = await startHubProcess({ checksFile, dataDir: hubDir, args: options.hubArgs })
  let probes: VantageProcess[]
  try {
    probes = await startRegionProbes(hub, regions, dir, hubDir)
  } catch (error) {
    // Probes that did not come up must not leave the hub running.
    await hub.stop()
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  const stage: AlertScenario = {
    dir,
    hubDir,
    checksFile,
    hub,
    probes,
    async getJson(path) {
      const response = await fetch(`${stage.hub.httpUrl}${path}`)
      if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`)
      return response.json()
    },
    async everyRegionUp(checkId = 'site') {
      await waitFor(`every region to report ${checkId} up`, async () => {
        const check = await stage.getJson(`/api/v1/checks/${checkId}`)
        return regions.every((region) => check.regions?.[region]?.latest?.status === 'up')
      })
    },
    async stop() {
      await Promise.all(stage.probes.map((probe) => probe.stop()))
      await stage.hub.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return stage
}
