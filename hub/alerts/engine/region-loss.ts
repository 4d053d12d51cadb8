/**
 * Region connectivity: when a large share of a region's checks fail there while other
 * regions see them pass, the region (its network, its probes' uplink) is the likely
 * cause, not the targets. The engine then sends one "region connectivity" alert and
 * leaves that region out of every check's quorum, instead of paging once per check.
 *
 * Two stages, so that it is both fast and quiet:
 * - suspected: judged on each (check, region)'s NEWEST conclusive result. A region-wide
 *   loss shows in the first failing round, before any check reaches failAfter, so the
 *   region is set aside (inhibited) before a single per-check alert could fire.
 * - lost: the same share holds on checks that failed there CONFIRM_DOWNS times in a row.
 *   Only then is the region alert sent. A noisy region whose random failures happen to
 *   line up for one round is set aside for a moment and nobody is paged.
 *
 * Counting is incremental (O(regions of the check) per result): the engine feeds every
 * stored result, tens of thousands per second in the ingest benchmark.
 */
import type { IncidentError } from '../../incidents/incident-store.ts'

/** `alerting.regionLoss`: the share of a region's checks, and the least number of them. */
export interface RegionLossThresholds {
  share: number
  minChecks: number
}

/** A check that takes part: one that runs from two or more regions. */
export interface RegionCheck {
  id: string
  regions: readonly string[]
}

/**
 * Consecutive downs that make a (check, region) failure count as confirmed evidence of a
 * region loss: two, as the default failAfter, so the alert waits one more round than the
 * inhibition.
 */
export const CONFIRM_DOWNS = 2

/** A region's counts, as the API shows them. */
export interface RegionCount {
  region: string
  /** True while the region is set aside (suspected or lost): left out of every quorum. */
  lost: boolean
  /** True once the loss is confirmed and the region alert was raised. */
  alerted: boolean
  /** Checks whose newest result fails here while another region's passes. */
  failing: number
  /** Checks that run here (and in at least one other region). */
  checks: number
}

/** A region whose inhibition started or ended, or whose alert is due or over. */
export interface RegionLossChange extends RegionCount {
  /** True when `lost` changed: every check that runs there must be judged again. */
  inhibitionChanged: boolean
  /** 'fired' when the loss is confirmed, 'resolved' when a confirmed loss is over. */
  alert: 'fired' | 'resolved' | null
  /** The most common error among the failing checks (when lost), for the alert text. */
  firstError: IncidentError | null
}

interface Newest {
  ok: boolean
  /** Consecutive downs in this region, newest included. */
  downs: number
  error: IncidentError | null
}

interface CheckEntry {
  regions: readonly string[]
  /** The newest conclusive result per region, for regions that reported one. */
  newest: Map<string, Newest>
  /** Regions whose newest result is up or degraded. */
  okRegions: number
}

interface RegionEntry {
  checks: number
  failing: number
  /** Checks failing here CONFIRM_DOWNS times in a row while another region passes. */
  confirmed: number
  /** Checks with a newest result here and in another region: the evidence for recovery. */
  judged: number
  lost: boolean
  alerted: boolean
}

const NO_CHANGES: RegionLossChange[] = []

/**
 * Counts, per region, the checks that fail there and pass elsewhere, and says when a
 * region is lost (count >= minChecks and share >= `share`) or recovered (share below
 * half of `share`, once as many checks were judged as losing it took).
 *
 * @example
 * const loss = new RegionLoss()
 * loss.setChecks([{ id: 'api', regions: ['eu', 'us'] }], { share: 0.5, minChecks: 3 })
 * for (const change of loss.record('api', 'eu', 'down', error, thresholds)) alert(change)
 */
export class RegionLoss {
  #checks = new Map<string, CheckEntry>()
  #regions = new Map<string, RegionEntry>()

  /**
   * Applies the deployed checks (those with fewer than two regions are left out), keeping
   * the newest results of the (check, region) pairs that remain; returns the regions
   * lost or recovered by the new counts.
   */
  setChecks(checks: RegionCheck[], thresholds: RegionLossThresholds): RegionLossChange[] {
    const next = new Map<string, CheckEntry>()
    for (const { id, regions } of checks) {
      if (regions.length < 2) continue
      const previous = this.#checks.get(id)
      const newest = new Map<string, Newest>()
      for (const region of regions) {
        const kept = previous?.newest.get(region)
        if (kept) newest.set(region, kept)
      }
      const okRegions = [...newest.values()].filter((n) => n.ok).length
      next.set(id, { regions, newest, okRegions })
    }
    this.#checks = next
    for (const entry of this.#regions.values()) {
      entry.checks = 0
      entry.failing = 0
      entry.confirmed = 0
      entry.judged = 0
    }
    for (const check of next.values()) {
      for (const region of check.regions) {
        const entry = this.#region(region)
        entry.checks += 1
        this.#count(check, region, entry, 1)
      }
    }
    const changes: RegionLossChange[] = []
    for (const [region, entry] of this.#regions) {
      const change = this.#judge(region, entry, thresholds)
      if (change) changes.push(change)
      if (!entry.lost && entry.checks === 0) this.#regions.delete(region)
    }
    return changes
  }

  /**
   * Takes the newest conclusive result of a check in a region; returns the regions lost
   * or recovered because of it (usually none). Checks and regions not set are ignored.
   */
  record(
    checkId: string,
    region: string,
    status: 'up' | 'degraded' | 'down',
    error: IncidentError | null,
    thresholds: RegionLossThresholds,
  ): RegionLossChange[] {
    const check = this.#checks.get(checkId)
    if (!check || !check.regions.includes(region)) return NO_CHANGES
    // Every region's verdict depends on the others' results: take all out, update, put back.
    for (const name of check.regions) this.#count(check, name, this.#region(name), -1)
    const ok = status !== 'down'
    const before = check.newest.get(region)
    if (before?.ok) check.okRegions -= 1
    if (ok) check.okRegions += 1
    const downs = ok ? 0 : (before && !before.ok ? before.downs : 0) + 1
    check.newest.set(region, { ok, downs, error: ok ? null : error })
    let changes = NO_CHANGES
    for (const name of check.regions) {
      const entry = this.#region(name)
      this.#count(check, name, entry, 1)
      const change = this.#judge(name, entry, thresholds)
      if (change) changes = [...changes, change]
    }
    return changes
  }

  /** Marks a region lost and alerted, as an open region incident left it before a hub restart. */
  restoreLost(region: string): void {
    const entry = this.#region(region)
    entry.lost = true
    entry.alerted = true
  }

  /** True while the region is lost. */
  isLost(region: string): boolean {
    return this.#regions.get(region)?.lost ?? false
  }

  /** Every region with checks (or still lost), by name. */
  regions(): RegionCount[] {
    return [...this.#regions]
      .map(([region, { lost, alerted, failing, checks }]) => ({
        region,
        lost,
        alerted,
        failing,
        checks,
      }))
      .sort((a, b) => a.region.localeCompare(b.region))
  }

  #region(name: string): RegionEntry {
    let entry = this.#regions.get(name)
    if (!entry) {
      entry = { checks: 0, failing: 0, confirmed: 0, judged: 0, lost: false, alerted: false }
      this.#regions.set(name, entry)
    }
    return entry
  }

  /** Adds (sign 1) or removes (-1) what the check's newest result in `region` counts for. */
  #count(check: CheckEntry, region: string, entry: RegionEntry, sign: 1 | -1): void {
    const here = check.newest.get(region)
    if (!here) return
    if (check.newest.size >= 2) entry.judged += sign
    if (here.ok || check.okRegions === 0) return
    entry.failing += sign
    if (here.downs >= CONFIRM_DOWNS) entry.confirmed += sign
  }

  #judge(
    region: string,
    entry: RegionEntry,
    { share, minChecks }: RegionLossThresholds,
  ): RegionLossChange | null {
    const shareOf = (count: number) => (entry.checks === 0 ? 0 : count / entry.checks)
    const wasLost = entry.lost
    let alert: RegionLossChange['alert'] = null
    if (!entry.lost && entry.failing >= minChecks && shareOf(entry.failing) >= share) {
      entry.lost = true
    }
    if (entry.lost && !entry.alerted) {
      if (entry.confirmed >= minChecks && shareOf(entry.confirmed) >= share) {
        entry.alerted = true
        alert = 'fired'
      }
    }
    if (wasLost && entry.lost) {
      // A region restored as lost after a restart has no results yet: wait for as much
      // evidence as losing it took, so a restart does not resolve and re-fire it.
      const enoughEvidence = entry.checks === 0 || entry.judged >= share * entry.checks
      if (shareOf(entry.failing) < share / 2 && enoughEvidence) {
        entry.lost = false
        if (entry.alerted) alert = 'resolved'
        entry.alerted = false
      }
    }
    const inhibitionChanged = entry.lost !== wasLost
    if (!inhibitionChanged && alert === null) return null
    return {
      region,
      lost: entry.lost,
      alerted: entry.alerted,
      inhibitionChanged,
      alert,
      failing: entry.failing,
      checks: entry.checks,
      firstError: alert === 'fired' ? this.#commonError(region) : null,
    }
  }

  /** The error whose code is most common among the checks failing in `region`. */
  #commonError(region: string): IncidentError | null {
    const byCode = new Map<string, { error: IncidentError; count: number }>()
    let best: { error: IncidentError; count: number } | null = null
    for (const check of this.#checks.values()) {
      const error = check.newest.get(region)?.error
      if (!error || check.okRegions === 0) continue
      const tally = byCode.get(error.code) ?? { error, count: 0 }
      tally.count += 1
      byCode.set(error.code, tally)
      if (!best || tally.count > best.count) best = tally
    }
    return best?.error ?? null
  }
}
