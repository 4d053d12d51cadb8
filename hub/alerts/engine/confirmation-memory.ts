/**
 * Confirmation rounds sent for a check before it fired. confirmations.ts sends a round
 * on a check's first failure, usually before any incident is open; the round belongs on
 * the timeline of the incident it helped confirm, so it is kept here until that
 * incident opens (or forgotten once it is too old to have been part of it).
 */

/**
 * A confirmation round is sent on a check's first failure, before it fires; it lands on
 * the incident's timeline if the check fires within this time. Five minutes covers
 * failAfter runs of any usual interval.
 */
export const CONFIRMATION_MEMORY_MS = 5 * 60_000

/**
 * A round is sent after the failing result that asked for it was measured, by the probe's
 * clock; probes further than 5 s from the hub's clock report themselves unhealthy.
 */
const CLOCK_SLACK_MS = 5_000

/** Rounds kept per check while waiting; confirmations.ts sends at most one per interval. */
const MAX_PENDING_CONFIRMATIONS = 10

export interface PendingConfirmation {
  at: number
  detail: Record<string, unknown>
}

/**
 * The rounds waiting, per check, for an incident to open.
 *
 * @example
 * memory.remember('api', sentAt, { regions: ['us-east'] }, clock.now())
 * for (const round of memory.take('api', firedAt)) incidents.addEvent(id, round.at, 'confirmation', round.detail)
 */
export class ConfirmationMemory {
  readonly #pending = new Map<string, PendingConfirmation[]>()

  /** Keeps a round sent at `at`, dropping the check's rounds older than the memory at `now`. */
  remember(checkId: string, at: number, detail: Record<string, unknown>, now: number): void {
    const pending = (this.#pending.get(checkId) ?? []).filter(
      (round) => now - round.at <= CONFIRMATION_MEMORY_MS,
    )
    pending.push({ at, detail })
    this.#pending.set(checkId, pending.slice(-MAX_PENDING_CONFIRMATIONS))
  }

  /**
   * Forgets the check's rounds and returns those of the failure episode that fired at
   * `at`: sent since `failingSince` (the episode's first failing run), or within the
   * memory when that is unknown. Rounds of an earlier failure that was contained and
   * passed belong to no incident. Oldest first.
   */
  take(checkId: string, at: number, failingSince: number | null = null): PendingConfirmation[] {
    const pending = this.#pending.get(checkId)
    if (!pending) return []
    this.#pending.delete(checkId)
    const from = failingSince === null ? at - CONFIRMATION_MEMORY_MS : failingSince - CLOCK_SLACK_MS
    return pending.filter((round) => round.at >= from && round.at <= at)
  }

  /** Forgets the rounds of checks that are no longer deployed. */
  keepOnly(isDeployed: (checkId: string) => boolean): void {
    for (const checkId of this.#pending.keys()) {
      if (!isDeployed(checkId)) this.#pending.delete(checkId)
    }
  }
}
