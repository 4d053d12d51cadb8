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

export class Membership {
  private readonly peers = new Map<string, ProbeStatus>()

  constructor(
    private readonly self: { probeId: string; region: string; capabilities: () => string[] },
  ) {}

  /** Applies a status message; an empty payload (cleared retained topic) removes the probe. */
  update(probeId: string, status: ProbeStatus | null): void {
    if (status === null) this.peers.delete(probeId)
    else this.peers.set(probeId, status)
  }

  /**
   * True when this probe should run `checkId`, which needs `capability` (if any).
   * When no live probe of the region has the capability, the check still runs on one
   * probe so that its result says so (inconclusive, CAPABILITY_MISSING) instead of
   * the region going silent.
   */
  owns(checkId: string, capability?: string): boolean {
    const capable = this.liveCandidates(capability)
    const candidates = capable.length > 0 ? capable : this.liveCandidates()
    return rendezvousOwner(checkId, candidates) === this.self.probeId
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
