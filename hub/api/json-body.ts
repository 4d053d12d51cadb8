/**
 * Reading a request's JSON body, for every route that takes one, never past the
 * route's limit (413; see readBoundedText). Only
 * `application/json` is taken: a web page can send any other type to a hub on the same
 * machine without asking (a "simple" CORS request), but not that one, so a route that
 * changes something cannot be driven by a page the operator happens to open.
 */
import { issuesToErrors } from '../../checks/issue-text.ts'
import type { Context } from 'hono'
import type { z } from 'zod'

/** The body, or the response that refuses it (413, 415 or 400). */
export type BodyRead<T> = { ok: true; body: T } | { ok: false; response: Response }

export interface JsonBodyOptions {
  /**
   * The most bytes the route takes; a larger body is answered 413 and never kept. Each
   * route states its own, far above its real bodies and far below the hub's memory.
   */
  maxBytes: number
  /** A sample body for the 415 answer, e.g. `{"by": "alice"}`. */
  example?: string
  /** Taken as the body when the request has none, for routes whose fields are all optional. */
  whenEmpty?: unknown
}

/**
 * A schema's problems as `path: message` lines, with what was sent where it helps;
 * `(body)` for the body as a whole.
 */
export function issueLines(error: z.ZodError, sent: unknown): string[] {
  return issuesToErrors(error.issues, sent).map((line) => line.replace(/^\(root\):/, '(body):'))
}

/** `16 KiB`, `5 MiB`: a limit as the 413 answer and the API docs state it. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}

/** The 413 answer for a body past `maxBytes`. */
export function tooLarge(c: Context, maxBytes: number): Response {
  return c.json(
    { error: `the body is larger than ${formatBytes(maxBytes)}, the most this route takes` },
    413,
  )
}

/**
 * The body as text, read no further than `maxBytes`: a declared Content-Length past it
 * is refused before a byte is read, and a chunked body is counted as it streams. What
 * is left unread is the server's to drain or drop (@hono/node-server does both), so an
 * upload of any size costs the hub at most `maxBytes` of memory.
 */
export async function readBoundedText(c: Context, maxBytes: number): Promise<BodyRead<string>> {
  const declared = c.req.header('content-length')?.trim()
  if (declared && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    return { ok: false, response: tooLarge(c, maxBytes) }
  }
  const stream = c.req.raw.body
  if (!stream) return { ok: true, body: '' }
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) return { ok: false, response: tooLarge(c, maxBytes) }
      chunks.push(value)
    }
  } finally {
    reader.releaseLock()
  }
  return { ok: true, body: Buffer.concat(chunks).toString('utf8') }
}

/**
 * The parsed JSON body, not yet validated.
 * @example
 * const read = await readJsonBody(c, { maxBytes: 64 * 1024 })
 * if (!read.ok) return read.response
 */
export async function readJsonBody(
  c: Context,
  options: JsonBodyOptions,
): Promise<BodyRead<unknown>> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/json\b/i.test(type)) {
    const example = options.example ? `, e.g. ${options.example}` : ''
    const error = `send the body as JSON (content-type: application/json)${example}`
    return { ok: false, response: c.json({ error }, 415) }
  }
  const text = await readBoundedText(c, options.maxBytes)
  if (!text.ok) return text
  const raw = text.body
  if (options.whenEmpty !== undefined && raw.trim() === '') {
    return { ok: true, body: options.whenEmpty }
  }
  try {
    return { ok: true, body: JSON.parse(raw) as unknown }
  } catch (error) {
    const reason = (error as Error).message
    return { ok: false, response: c.json({ error: `the body is not JSON: ${reason}` }, 400) }
  }
}

/**
 * The JSON body validated against `schema`; a body that does not fit is answered with
 * 400 and every problem in `errors`.
 * @example
 * const read = await readValidBody(c, rollbackBody, { maxBytes: MAX_DEPLOY_BODY_BYTES })
 * if (!read.ok) return read.response
 */
export async function readValidBody<T>(
  c: Context,
  schema: z.ZodType<T>,
  options: JsonBodyOptions,
): Promise<BodyRead<T>> {
  const read = await readJsonBody(c, options)
  if (!read.ok) return read
  const parsed = schema.safeParse(read.body)
  if (parsed.success) return { ok: true, body: parsed.data }
  const body = { error: 'the request body is invalid', errors: issueLines(parsed.error, read.body) }
  return { ok: false, response: c.json(body, 400) }
}
