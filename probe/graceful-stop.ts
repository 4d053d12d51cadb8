/**
 * What a probe does between SIGTERM and closing its connection: it starts no new run and
 * says so (its region's other probes take its checks at once), lets the runs in progress
 * finish, then sends what its outbox holds and waits for the hub's acks. Both waits are
 * bounded, together under the 30 s a service manager gives it (TimeoutStopSec in the
 * systemd unit); whatever is not acked stays in the outbox for the next start.
 */
import type { Logger } from '../lib/logger.ts'

/** Runs in progress are each bounded by their check's timeout; past this the probe goes. */
export const STOP_RUNS_GRACE_MS = 12_000
/** How long the hub's acks are waited for once the runs are done. */
export const STOP_ACKS_GRACE_MS = 10_000

export interface StoppingParts {
  scheduler: { stop(): void }
  jobs: { stop(): void; idle(timeoutMs: number): Promise<boolean> }
  publisher: { drain(timeoutMs: number): Promise<boolean> }
  connected: () => boolean
  /** Publishes the probe's status, which says `offline` (`stopped`) from now on. */
  announce: () => void
  /** Results still in the outbox. */
  depth: () => number
  logger: Logger
}

export async function finishBeforeStop(parts: StoppingParts): Promise<void> {
  parts.scheduler.stop()
  parts.jobs.stop()
  parts.announce()
  const idle = await parts.jobs.idle(STOP_RUNS_GRACE_MS)
  const drained = parts.connected() && (await parts.publisher.drain(STOP_ACKS_GRACE_MS))
  parts.logger.info({ idle, drained, left: parts.depth() }, 'probe stopping')
}
