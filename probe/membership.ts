/**
 * Who runs what: every probe sees the region's live probes through the retained
 * status topics and picks each check's owner by rendezvous (highest random weight)
 * hashing. All probes compute the same owner without a coordinator; when a probe
 * dies its Last Will marks it offline and its checks move to the others, and only
 * those checks move.
 */
import { createHash } from 'node:crypto'
import type { ProbeStatus } from '../checks/wire.ts'

/** A 64-bit weight for (check, probe); the highest weight owns the check. */
function weight(checkId: string, probeId: string): bigint {
  return createHash('sha256').update(`${checkId}\u0000${probeId}`).digest().readBigUInt64BE(0)
}

/** Picks the owner of a check among candidate probe ids, or undefined when there are none. */
export function rendezvousOwner(checkId: string, probeIds: readonly string[]): string | undefined {
  let best: string | undefined
  let bestWeight = -1n
  for (const probeId of probeIds) {
    const w = weight(checkId, probeId)
    if (w > bestWeight || (w === bestWeight && best !== undefined && probeId < best)) {
      best = probeId
      bestWeight = w
    }
  }
  return best
}

/** What of a peer's status decides ownership; '' for a peer that cannot own anything here. */
function ownershipKey(status: ProbeStatus | undefined, region: string): string {
  if (!status || status.state !== 'online' || status.region !== region) return ''
  return `online\u0000${status.capabilities.join(',')}`
}

export class Membership {
  private readonly peers = new Map<string, ProbeStatus>()
  /**
   * Who owns what, by capability and check id, until the region's live probes change:
   * every run asks, and hashing every candidate for every run was a measurable share of
   * the probe's CPU per check.
   */
  private readonly owners = new Map<string, boolean>()
  private ownersFor: string[] | undefined

  constructor(
    private readonly self: { probeId: string; region: string; capabilities: () => string[] },
  ) {}

  /** Applies a status message; an empty payload (cleared retained topic) removes the probe. */
  update(probeId: string, status: ProbeStatus | null): void {
    const before = ownershipKey(this.peers.get(probeId), this.self.region)
    if (status === null) this.peers.delete(probeId)
    else this.peers.set(probeId, status)
    // Status refreshes (queue depth, run counts) come every 15 s from every probe and
    // change no owner.
    if (ownershipKey(status ?? undefined, this.self.region) !== before) this.owners.clear()
  }

  /**
   * True when this probe should run `checkId`, which needs `capability` (if any).
   * When no live probe of the region has the capability, the check still runs on one
   * probe so that its result says so (inconclusive, CAPABILITY_MISSING) instead of
   * the region going silent.
   */
  owns(checkId: string, capability?: string): boolean {
    const selfCapabilities = this.self.capabilities()
    if (selfCapabilities !== this.ownersFor) {
      this.owners.clear()
      this.ownersFor = selfCapabilities
    }
    const key = `${capability ?? ''}\u0000${checkId}`
    let owned = this.owners.get(key)
    if (owned === undefined) {
      const capable = this.liveCandidates(capability)
      const candidates = capable.length > 0 ? capable : this.liveCandidates()
      owned = rendezvousOwner(checkId, candidates) === this.self.probeId
      this.owners.set(key, owned)
    }
    return owned
  }

  /** Live probes of this probe's region, itself always included (it knows it is alive). */
  liveCandidates(capability?: string): string[] {
    const ids = new Set<string>()
    if (!capability || this.self.capabilities().includes(capability)) ids.add(this.self.probeId)
    for (const [probeId, status] of this.peers) {
      if (probeId === this.self.probeId) continue
      if (status.state !== 'online' || status.region !== this.self.region) continue
      if (capability && !status.capabilities.includes(capability)) continue
      ids.add(probeId)
    }
    return [...ids].sort()
  }
}
