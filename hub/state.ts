/**
 * The hub's small editable state in lowdb (one JSON file, rewritten whole on each
 * write): deployed bundle versions and the last known probe registry. Results,
 * rollups and incidents live in SQLite instead. `Low` + `JSONFile` are used
 * directly because lowdb's preset silently switches to memory under NODE_ENV=test.
 */
import { join } from 'node:path'
import { Low } from 'lowdb'
import { JSONFile } from 'lowdb/node'
import type { ProbeInfo } from './types.ts'

export interface DeployRecord {
  seq: number
  version: string
  /** Content hash of the probe checks, to tell a re-deploy of the same checks. */
  hash: string
  createdAt: number
  source: string
  checks: number
}

export interface HubStateData {
  deploys: DeployRecord[]
  probes: Record<string, ProbeInfo>
}

/** Deploy history kept; older entries are dropped. */
const MAX_DEPLOYS = 200

export class HubState {
  private constructor(private readonly low: Low<HubStateData>) {}

  static async open(dataDir: string): Promise<HubState> {
    const low = new Low<HubStateData>(new JSONFile(join(dataDir, 'state.json')), {
      deploys: [],
      probes: {},
    })
    await low.read()
    low.data.deploys ??= []
    low.data.probes ??= {}
    return new HubState(low)
  }

  lastDeploy(): DeployRecord | undefined {
    return this.low.data.deploys.at(-1)
  }

  deploys(): DeployRecord[] {
    return [...this.low.data.deploys]
  }

  async recordDeploy(record: DeployRecord): Promise<void> {
    this.low.data.deploys.push(record)
    this.low.data.deploys = this.low.data.deploys.slice(-MAX_DEPLOYS)
    await this.low.write()
  }

  probes(): Record<string, ProbeInfo> {
    return this.low.data.probes
  }

  async saveProbes(probes: Record<string, ProbeInfo>): Promise<void> {
    this.low.data.probes = probes
    await this.low.write()
  }
}
