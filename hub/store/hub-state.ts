/**
 * The hub's small editable state in lowdb (one JSON file, rewritten whole on each
 * write): deployed bundle versions, the last known probe registry, heartbeat
 * ping tokens with what the heartbeat monitor must remember, and the silences and
 * maintenance windows created through the API. Results,
 * rollups and incidents live in SQLite instead. `Low` + `JSONFile` are used
 * directly because lowdb's preset silently switches to memory under NODE_ENV=test.
 */
import { join } from 'node:path'
import { Low } from 'lowdb'
import { JSONFile } from 'lowdb/node'
import type { SilenceWindow } from '../silences/silence-windows.ts'
import type { HeartbeatMemory } from '../heartbeats/heartbeat-monitor.ts'
import type { ProbeInfo } from '../probes/probe-info.ts'

export interface DeployRecord {
  seq: number
  version: string
  /** Content hash of the probe checks (the version's suffix). */
  hash: string
  /**
   * Content hash of the whole deployed config (channels and heartbeats too), to tell a
   * re-deploy of the same config. Absent in records from before configs were kept.
   */
  configHash?: string
  createdAt: number
  source: string
  checks: number
}

/**
 * A heartbeat's ping token and memory, keyed by check id. The token outlives
 * redeploys, restarts and even removing the check, so the URL a cron job already
 * calls keeps working when the check comes back. It is stored as is (not hashed)
 * because `vantage status` must show it; this file sits beside the hub's signing
 * key, and the data directory must be kept private for that key anyway.
 */
export interface HeartbeatRecord {
  /** The secret in `/ping/{token}`: 192 random bits, base64url. */
  token: string
  createdAt: number
  /** Absent while the check is disabled or not deployed: re-enabling starts afresh. */
  memory?: HeartbeatMemory
}

export interface HubStateData {
  deploys: DeployRecord[]
  probes: Record<string, ProbeInfo>
  heartbeats: Record<string, HeartbeatRecord>
  /** Silences and maintenance windows from the API; those in the monitoring file are not kept here. */
  windows: SilenceWindow[]
  /** Probes drained with `vantage probe drain`, told again whenever they come back. */
  drainedProbes: string[]
}

/** Deploy history kept; older entries are dropped. */
const MAX_DEPLOYS = 200

export class HubState {
  /** Writes not finished yet: their callers often do not wait for them. */
  readonly #writing = new Set<Promise<void>>()

  private constructor(private readonly low: Low<HubStateData>) {}

  /** Resolves once every write asked for so far has finished, failed ones included. */
  async settled(): Promise<void> {
    while (this.#writing.size > 0) await Promise.allSettled([...this.#writing])
  }

  async #write(): Promise<void> {
    const write = this.low.write()
    this.#writing.add(write)
    try {
      await write
    } finally {
      this.#writing.delete(write)
    }
  }

  static async open(dataDir: string): Promise<HubState> {
    const low = new Low<HubStateData>(new JSONFile(join(dataDir, 'state.json')), {
      deploys: [],
      probes: {},
      heartbeats: {},
      windows: [],
      drainedProbes: [],
    })
    await low.read()
    low.data.deploys ??= []
    low.data.probes ??= {}
    low.data.heartbeats ??= {}
    low.data.windows ??= []
    low.data.drainedProbes ??= []
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
    await this.#write()
  }

  probes(): Record<string, ProbeInfo> {
    return this.low.data.probes
  }

  async saveProbes(probes: Record<string, ProbeInfo>): Promise<void> {
    this.low.data.probes = probes
    await this.#write()
  }

  heartbeats(): Record<string, HeartbeatRecord> {
    return this.low.data.heartbeats
  }

  /** Replaces the records of the given checks; others are kept. */
  async saveHeartbeats(records: Record<string, HeartbeatRecord>): Promise<void> {
    Object.assign(this.low.data.heartbeats, records)
    await this.#write()
  }

  windows(): SilenceWindow[] {
    return [...this.low.data.windows]
  }

  /** Replaces every stored window: silences.ts owns the list and writes it whole. */
  async saveWindows(windows: SilenceWindow[]): Promise<void> {
    this.low.data.windows = windows
    await this.#write()
  }

  drainedProbes(): string[] {
    return [...this.low.data.drainedProbes]
  }

  async saveDrainedProbes(probeIds: string[]): Promise<void> {
    this.low.data.drainedProbes = probeIds
    await this.#write()
  }
}
