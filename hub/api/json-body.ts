/**
 * Reading a request's JSON body, for every route that takes one. Only
 * `application/json` is taken: a web page can send any other type to a hub on the same
 * machine without asking (a "simple" CORS request), but not that one, so a route that
 * changes something cannot be driven by a page the operator happens to open.
 */
import type { Context } from 'hono'
import type { z } from 'zod'

/** The body, or the response that refuses it (415 or 400). */
export type BodyRead<T> = { ok: true; body: T } | { ok: false; response: Response }

export interface JsonBodyOptions {
  /** A sample body for the 415 answer, e.g. `{"by": "alice"}`. */
  example?: string
  /** Taken as the body when the request has none, for routes whose fields are all optional. */
  whenEmpty?: unknown
}

/** A schema's problems as `path: message` lines; `(body)` for the body as a whole. */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
}

/**
 * The parsed JSON body, not yet validated.
 * @example
 * const read = await readJsonBody(c)
 * if (!read.ok) return read.response
 */
export async function readJsonBody(
  c: Context,
  options: JsonBodyOptions = {},
): Promise<BodyRead<unknown>> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/json\b/i.test(type)) {
    const example = options.example ? `, e.g. ${options.example}` : ''
    const error = `send the body as JSON (content-type: application/json)${example}`
    return { ok: false, response: c.json({ error }, 415) }
  }
  const raw = await c.req.text()
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
 * const read = await readValidBody(c, rollbackBody)
 * if (!read.ok) return read.response
 */
export async function readValidBody<T>(
  c: Context,
  schema: z.ZodType<T>,
  options: JsonBodyOptions = {},
): Promise<BodyRead<T>> {
  const read = await readJsonBody(c, options)
  if (!read.ok) return read
  const parsed = schema.safeParse(read.body)
  if (parsed.success) return { ok: true, body: parsed.data }
  const body = { error: 'the request body is invalid', errors: issueLines(parsed.error) }
  return { ok: false, response: c.json(body, 400) }
}
