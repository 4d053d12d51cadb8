/**
 * Notices another probe process using this probe's id, on a broker that cannot refuse
 * it (Mosquitto, like MQTT itself, lets a new connection with a client id take over the
 * old one; the embedded broker refuses it instead). Two such processes take the session
 * from each other on every reconnect, and each one, as it subscribes, finds the other's
 * status retained on its own status topic: `online`, or the Last Will the broker sent
 * as it closed the other's connection.
 *
 * Once is what a probe restarted after a crash sees too (its predecessor's will), so it
 * takes two connections in a row that each find another instance there, alive or died
 * (a clean goodbye, `stopped` or `draining`, does not count): then this process stops.
 * The newcomer finds the running probe's status on its very first connect, so it is the
 * one that reaches two first and goes, and the probe that was there first stays.
 */
import type { ProbeStatus } from '../checks/wire.ts'

export class IdentityGuard {
  /** Connections in a row on which another instance was seen online under our id. */
  #streak = 0
  #seenThisConnection = false

  constructor(private readonly instance: string) {}

  /** A new connection: the last one counts toward the streak if it saw another instance. */
  connected(): void {
    this.#streak = this.#seenThisConnection ? this.#streak : 0
    this.#seenThisConnection = false
  }

  /**
   * Our own status topic said `status`. Returns the other instance's id when this is
   * the second connection in a row to find it: the caller should stop.
   */
  ownStatus(status: ProbeStatus): string | undefined {
    const other = status.instance
    if (other === undefined || other === this.instance) return undefined
    const saidGoodbye = status.state === 'offline' && status.reason !== undefined
    if (saidGoodbye || this.#seenThisConnection) return undefined
    this.#seenThisConnection = true
    this.#streak += 1
    return this.#streak >= 2 ? other : undefined
  }
}
