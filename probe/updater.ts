/**
 * Applies config bundles from the hub. A bundle is opened (and verified when the
 * probe has the hub's key) before anything is scheduled; a bad or older bundle is
 * rejected and logged while the last good one keeps running. The last good
 * envelope is kept on disk so a restarted probe resumes its checks before it
 * reaches the broker.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { openBundle, type Bundle, type ProbeCheck } from '../checks/bundle.ts'
import type { HubTrust } from '../checks/hub-fingerprint.ts'
import { runsOnProbes } from '../checks/spec.ts'
import type { Logger } from '../lib/logger.ts'
import type { ScheduleChange } from './scheduler.ts'
import { scheduledHere, type ProbeIdentity } from './selection.ts'

export interface UpdaterOptions {
  probeId: string
  region: string
  /** This probe's labels, matched against host checks' selectors. Default `{}`. */
  labels?: Record<string, string>
  /** The hub's key, or its pinned fingerprint; without it bundles are not verified. */
  hubKey?: HubTrust
  /** Where the last good envelope is kept. */
  file: string
  apply: (checks: ProbeCheck[]) => ScheduleChange
  /**
   * A well-formed bundle that the trusted key did not sign, while no bundle has verified
   * since start: most likely a wrong --hub-key, which no retry fixes. Later such bundles
   * are only rejected (a forgery must not stop a probe that runs the hub's config).
   */
  onUntrusted?: (error: string) => void
  logger: Logger
}

export class BundleUpdater {
  private bundle: Bundle | undefined
  private rejectedCount = 0

  constructor(private readonly options: UpdaterOptions) {}

  /** Restores the last good bundle from disk, if any. */
  restore(): void {
    if (!existsSync(this.options.file)) return
    const outcome = this.receive(readFileSync(this.options.file), { persist: false })
    if (!outcome.applied)
      this.options.logger.warn({ error: outcome.error }, 'ignoring the saved bundle')
  }

  /** Handles a payload from the config topic. Never throws. */
  receive(payload: Buffer, { persist = true } = {}): { applied: boolean; error?: string } {
    if (payload.length === 0)
      return { applied: false, error: 'empty config (cleared retained message)' }
    const opened = openBundle(payload, this.options.hubKey)
    if (!opened.ok) {
      const rejected = this.reject(opened.error)
      if (persist && !this.bundle && this.options.hubKey && openBundle(payload).ok) {
        this.options.onUntrusted?.(opened.error)
      }
      return rejected
    }
    const next = opened.bundle
    if (this.bundle && next.seq < this.bundle.seq) {
      return this.reject(`bundle ${next.version} is older than the running ${this.bundle.version}`)
    }
    if (this.bundle && next.version === this.bundle.version) return { applied: false }
    this.bundle = next
    // Hubs leave heartbeats out of bundles; a probe never runs one even if a bundle has it.
    const mine = next.checks
      .filter(runsOnProbes)
      .filter((check) => check.enabled && scheduledHere(check, this.identity()))
    const change = this.options.apply(mine)
    if (persist) this.save(payload)
    this.options.logger.info(
      { version: next.version, checks: mine.length, ...change },
      'applied config bundle',
    )
    return { applied: true }
  }

  private identity(): ProbeIdentity {
    const { probeId, region, labels = {} } = this.options
    return { probeId, region, labels }
  }

  version(): string | undefined {
    return this.bundle?.version
  }

  rejected(): number {
    return this.rejectedCount
  }

  private reject(error: string): { applied: false; error: string } {
    this.rejectedCount += 1
    this.options.logger.error({ error, running: this.bundle?.version }, 'rejected config bundle')
    return { applied: false, error }
  }

  private save(payload: Buffer): void {
    const temp = `${this.options.file}.tmp`
    writeFileSync(temp, payload)
    renameSync(temp, this.options.file)
  }
}
