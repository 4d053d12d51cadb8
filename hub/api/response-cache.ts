/**
 * Built answers kept for the next request: the page or JSON as sent, gzipped once, with
 * its ETag. An entry is reused while its stamp (what it was built from: the read model's
 * version, the results of the checks it shows) is unchanged and it is younger than its
 * maximum age; a request with a matching If-None-Match gets 304 without a body. Requests
 * that arrive while an answer is being built wait for that build instead of starting
 * their own. Bounded: the least recently built entries go first.
 */
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { Context } from 'hono'

/** An answer ready to send. */
export interface CachedAnswer {
  etag: string
  type: string
  body: Buffer
  /** The body gzipped, for clients that accept it; null when too small to bother. */
  gzip: Buffer | null
}

/** Bodies smaller than this go out as they are. */
const GZIP_FROM = 1_024

/** A weak ETag of a text. */
export function etagOf(text: string | Buffer): string {
  return `W/"${createHash('sha1').update(text).digest('base64url').slice(0, 22)}"`
}

/** Makes an answer of a text: gzipped once, tagged by its content unless `etag` is given. */
export function answerOf(text: string, type: string, etag = etagOf(text)): CachedAnswer {
  const body = Buffer.from(text)
  return { etag, type, body, gzip: body.length >= GZIP_FROM ? gzipSync(body, { level: 6 }) : null }
}

interface Entry {
  stamp: string
  builtAt: number
  answer: Promise<CachedAnswer>
}

export class ResponseCache {
  readonly #entries = new Map<string, Entry>()
  readonly #max: number
  hits = 0
  builds = 0

  constructor(max = 256) {
    this.#max = max
  }

  /**
   * The answer for `key`: the kept one while `stamp` matches and it is younger than
   * `maxAgeMs` at `now`, else a new one from `build`.
   */
  get(
    key: string,
    stamp: string,
    now: number,
    maxAgeMs: number,
    build: () => CachedAnswer | Promise<CachedAnswer>,
  ): Promise<CachedAnswer> {
    const entry = this.#entries.get(key)
    if (entry && entry.stamp === stamp && now - entry.builtAt < maxAgeMs) {
      this.hits += 1
      return entry.answer
    }
    this.builds += 1
    const answer = Promise.resolve().then(build)
    const fresh = { stamp, builtAt: now, answer }
    this.#entries.delete(key)
    this.#entries.set(key, fresh)
    // A failed build is not kept: the next request tries again.
    answer.catch(() => {
      if (this.#entries.get(key) === fresh) this.#entries.delete(key)
    })
    while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!)
    return answer
  }

  /** Forgets every answer. */
  clear(): void {
    this.#entries.clear()
  }
}

/** True when the request's If-None-Match names `etag`. */
export function notModified(c: Context, etag: string): boolean {
  const match = c.req.header('if-none-match')
  return match !== undefined && match.split(',').some((m) => m.trim() === etag || m.trim() === '*')
}

/**
 * Sends a kept answer: 304 to a matching If-None-Match, the gzipped body to a client that
 * accepts gzip, else the body. `headers` (cache-control, vary...) go on every answer.
 */
export function sendAnswer(
  c: Context,
  answer: CachedAnswer,
  headers: Record<string, string> = {},
  status: 200 | 401 | 404 = 200,
): Response {
  const out: Record<string, string> = {
    ...headers,
    etag: answer.etag,
    vary: [headers.vary, 'accept-encoding'].filter(Boolean).join(', '),
  }
  if (status === 200 && notModified(c, answer.etag)) return c.body(null, 304, out)
  out['content-type'] = answer.type
  const gzip = answer.gzip && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')
  if (gzip) out['content-encoding'] = 'gzip'
  const body = gzip ? answer.gzip! : answer.body
  return c.body(
    new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength),
    status,
    out,
  )
}
