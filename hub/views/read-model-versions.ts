/**
 * What the read model tells the caches in front of it: a version that changes whenever a
 * page may show something new, the reason to each listener, and apart from it the changes
 * that are not a check's state (so a page computed from history can keep the components
 * whose checks did not change) and each check's count of state changes.
 *
 * @example
 * const versions = new ReadModelVersions(logger)
 * versions.onChange((reason) => cache.clear())
 * versions.stateChanged('shop') // version() and stateVersion('shop') grow
 */
import type { Logger } from '../../lib/logger.ts'

export class ReadModelVersions {
  #version = 0
  #otherChanges = 0
  readonly #stateVersions = new Map<string, number>()
  readonly #listeners: Array<(reason: string) => void> = []

  constructor(readonly logger: Logger) {}

  /** Changes whenever what a page shows may have changed beyond one check's results. */
  version(): number {
    return this.#version
  }

  /** Hears every change of `version()`, with its reason. */
  onChange(listener: (reason: string) => void): () => void {
    this.#listeners.push(listener)
    return () => {
      const at = this.#listeners.indexOf(listener)
      if (at >= 0) this.#listeners.splice(at, 1)
    }
  }

  /** Something a page shows changed (a maintenance window, a deploy, the days). */
  changed(reason: string): void {
    this.#otherChanges += 1
    this.#announce(reason)
  }

  /** A post or an override changed: what a page shows, but nothing it computes from history. */
  pageChanged(reason: string): void {
    this.#announce(reason)
  }

  /** A check's status or one of its series' states changed. */
  stateChanged(checkId: string): void {
    this.#stateVersions.set(checkId, this.stateVersion(checkId) + 1)
    this.#announce(`state ${checkId}`)
  }

  /** Grows with every state change of the check (or of one of its series). */
  stateVersion(checkId: string): number {
    return this.#stateVersions.get(checkId) ?? 0
  }

  /**
   * Changes with every change of `version()` but a check's state change, a post and an
   * override (so: a maintenance window, a deploy, the days): what a page computed from
   * history may be kept across the others, for the components whose checks did not change.
   */
  versionBesidesStates(): number {
    return this.#otherChanges
  }

  #announce(reason: string): void {
    this.#version += 1
    for (const listener of [...this.#listeners]) {
      try {
        listener(reason)
      } catch (err) {
        this.logger.error({ err }, 'a read model listener failed')
      }
    }
  }
}
