/**
 * Who is acting, carried through the async work a request or chat command starts: a
 * deploy, an ack or a silence made on behalf of `slack:alice` is logged as hers without
 * passing her name through every layer in between.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

export interface Actor {
  /** `slack:alice`, `mattermost:bob`, `api`. */
  actor: string
  /** Where the request came from: `slack T0123 #ops`, an address; null when local. */
  origin: string | null
}

const storage = new AsyncLocalStorage<Actor>()

/**
 * Runs `work` as `actor`: events appended inside it, however deep, name them.
 * @example await actingAs({ actor: 'slack:alice', origin: 'slack T1 #ops' }, () => silences.create(...))
 */
export function actingAs<T>(actor: Actor, work: () => T): T {
  return storage.run(actor, work)
}

/** The actor of the work running now, if any. */
export function currentActor(): Actor | undefined {
  return storage.getStore()
}
