/**
 * The stage most end-to-end tests share: a monitors file, a hub and its probes, all
 * real processes in one temp directory, and the hub's API to read. Targets, sinks
 * and brokers stay in each test, since each needs its own kind.
 *
 * Layout of `dir`: `monitors.ts`, the hub's data in `hub/`, each probe's in `<probe id>/`.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import {
  startHubProcess,
  startProbeProcess,
  waitFor,
  type HubProcess,
  type VantageProcess,
} from './processes.ts'

/** Three regions: enough for a quorum of two with one region to spare. */
export const REGIONS = ['eu-west', 'us-east', 'ap-south'] as const

export interface ProbeOptions {
  id: string
  region: string
  /** `--label`, e.g. `role=app`. */
  labels?: string
  /** `--hub-key`: a key file or fingerprint. Default the hub's key file; false for none. */
  hubKey?: string | false
  /** Default the hub's MQTT URL; a broker's, or the hub's WebSocket URL. */
  mqttUrl?: string
  /** Default `<dir>/<id>`. */
  dataDir?: string
  username?: string
  password?: string
  /** More flags, e.g. `--ca`. */
  args?: string[]
}

export interface NetworkProbe extends VantageProcess {
  id: string
  region: string
  dataDir: string
}

export interface Network {
  dir: string
  /** The hub's data directory, for a restart on the same state. */
  hubDir: string
  checksFile: string
  /** The running hub; startHub() replaces it, so stop() stops the latest. */
  hub: HubProcess
  /** Every probe started, in order, running or not. */
  probes: NetworkProbe[]
  /** The latest probe started with `id`. */
  probe(id: string): NetworkProbe
  /** Starts one more probe against the hub (see ProbeOptions for the defaults). */
  startProbe(options: ProbeOptions): Promise<NetworkProbe>
  /**
   * Starts a hub on `hubDir` with the network's flags and makes it `hub`; stop the
   * previous one first. `resume` leaves out `--checks`, so it runs the last deploy.
   */
  startHub(options?: { port?: number; mqttPort?: number; resume?: boolean }): Promise<HubProcess>
  /** GETs a hub API path as JSON; an error answer throws with its status and body. */
  getJson<T = any>(path: string): Promise<T>
  /** Waits until the latest result of `checkId` is up in each region the probes cover. */
  everyRegionUp(checkId?: string, timeoutMs?: number): Promise<void>
  /** Stops the probes, then the hub, and removes the directory. */
  stop(): Promise<void>
}

/**
 * Writes `monitors` and starts a hub on it, then `probesPerRegion` probes in each of
 * `regions` (`<region>-1`, `<region>-2`, ...) and the probes in `probes`, one at a time.
 * @example
 * const network = await startNetwork({ name: 'vantage-alerting-', monitors, regions: REGIONS })
 * await network.everyRegionUp()
 * ...
 * await network.stop()
 */
export async function startNetwork(options: {
  /** The temp directory's prefix, e.g. `vantage-alerting-`. */
  name: string
  /** The monitors file: an object (written as its default export) or the file's text. */
  monitors: object | string
  /** Default none: a hub alone, for tests that start their probes themselves. */
  regions?: readonly string[]
  /** Default 1. */
  probesPerRegion?: number
  /** Probes started after those of `regions`. */
  probes?: ProbeOptions[]
  /** More hub flags, e.g. `--broker`. */
  hubArgs?: string[]
  hubEnv?: NodeJS.ProcessEnv
  /** Accept probes without credentials (`--insecure-demo`); default true. */
  insecureDemo?: boolean
  /** Sent as a bearer token by getJson(). */
  apiToken?: string
}): Promise<Network> {
  const temp = makeTempDir(options.name)
  const dir = temp.path
  const hubDir = join(dir, 'hub')
  const checksFile =
    typeof options.monitors === 'string'
      ? writeText(join(dir, 'monitors.ts'), options.monitors)
      : writeMonitors(dir, options.monitors)
  const perRegion = options.probesPerRegion ?? 1
  const planned: ProbeOptions[] = [
    ...(options.regions ?? []).flatMap((region) =>
      Array.from({ length: perRegion }, (_, i) => ({ id: `${region}-${i + 1}`, region })),
    ),
    ...(options.probes ?? []),
  ]

  const startHub: Network['startHub'] = async (hubOptions = {}) => {
    network.hub = await startHubProcess({
      checksFile: hubOptions.resume ? undefined : checksFile,
      dataDir: hubDir,
      port: hubOptions.port,
      mqttPort: hubOptions.mqttPort,
      env: options.hubEnv,
      insecureDemo: options.insecureDemo,
      args: options.hubArgs,
    })
    return network.hub
  }

  const network: Network = {
    dir,
    hubDir,
    checksFile,
    hub: undefined as unknown as HubProcess,
    probes: [],
    probe(id) {
      const found = network.probes.findLast((probe) => probe.id === id)
      if (!found) throw new Error(`no probe ${id} in this network`)
      return found
    },
    async startProbe(probe) {
      const dataDir = probe.dataDir ?? join(dir, probe.id)
      const hubKey = probe.hubKey ?? join(hubDir, 'hub-key.pub.pem')
      const started = await startProbeProcess({
        mqttUrl: probe.mqttUrl ?? network.hub.mqttUrl,
        id: probe.id,
        region: probe.region,
        dataDir,
        hubKeyFile: hubKey === false ? undefined : hubKey,
        labels: probe.labels,
        username: probe.username,
        password: probe.password,
        args: probe.args,
      })
      const member = Object.assign(started, { id: probe.id, region: probe.region, dataDir })
      network.probes.push(member)
      return member
    },
    startHub,
    async getJson(path) {
      const headers: Record<string, string> = options.apiToken
        ? { authorization: `Bearer ${options.apiToken}` }
        : {}
      const response = await fetch(`${network.hub.httpUrl}${path}`, { headers })
      if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`)
      return response.json()
    },
    async everyRegionUp(checkId = 'site', timeoutMs = 30_000) {
      const regions = [...new Set(network.probes.map((probe) => probe.region))]
      await waitFor(
        `every region to report ${checkId} up`,
        async () => {
          const check = await network.getJson(`/api/v1/checks/${checkId}`)
          return regions.every((region) => check.regions?.[region]?.latest?.status === 'up')
        },
        timeoutMs,
      )
    },
    async stop() {
      await Promise.all(network.probes.map((probe) => probe.stop()))
      await network.hub?.stop()
      temp.remove()
    },
  }

  try {
    await startHub()
    for (const probe of planned) await network.startProbe(probe)
  } catch (error) {
    // What did come up must not outlive the failed start.
    await network.stop()
    throw error
  }
  return network
}

/** Writes a monitors file (a plain default-exported object, as the hub loads it) into `dir`. */
export function writeMonitors(dir: string, config: object): string {
  return writeText(join(dir, 'monitors.ts'), `export default ${JSON.stringify(config, null, 2)}\n`)
}

/** One HTTP check named `site` on `url`, run every second from eu-west: the smallest network. */
export function siteMonitors(url: string): object {
  return {
    defaults: { regions: ['eu-west'], every: '1s', timeout: '2s' },
    checks: [{ kind: 'http', id: 'site', url }],
  }
}

function writeText(file: string, text: string): string {
  writeFileSync(file, text)
  return file
}
