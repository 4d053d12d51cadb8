/**
 * The small path language of JSON expectations: keys joined by dots and array
 * indexes in brackets, `data.items[0].id`, optionally after a `$` (so a path copied
 * from Checkly, `$.data.items[0].id`, works too). Full JSONPath (filters, wildcards)
 * would turn one expected value into a set of them; a check asserts one value.
 */

/** A key of an object, or an index of an array. */
export type JsonPathSegment = string | number

export type ParsedJsonPath =
  { ok: true; segments: JsonPathSegment[] } | { ok: false; error: string }

/** What a path points at in a document: the value, or the prefix where it stopped existing. */
export type JsonLookup = { found: true; value: unknown } | { found: false; missing: string }

const INDEX = /\[(\d+)\]/y
const KEY = /[^.[\]]+/y

function invalid(path: string, why: string): ParsedJsonPath {
  return {
    ok: false,
    error: `${JSON.stringify(path)} is not a JSON path: ${why} (write e.g. data.items[0].id)`,
  }
}

/**
 * Parses a path into keys and indexes.
 * @example parseJsonPath('data.items[0].id') // { ok: true, segments: ['data', 'items', 0, 'id'] }
 * @example parseJsonPath('$') // { ok: true, segments: [] }: the whole document
 */
export function parseJsonPath(path: string): ParsedJsonPath {
  if (path === '') return invalid(path, 'it is empty')
  const segments: JsonPathSegment[] = []
  let at = path.startsWith('$') ? 1 : 0
  while (at < path.length) {
    if (path[at] === '[') {
      INDEX.lastIndex = at
      const index = INDEX.exec(path)
      if (!index) return invalid(path, `expected an array index such as [0] at position ${at}`)
      segments.push(Number(index[1]))
      at = INDEX.lastIndex
      continue
    }
    // A key is the first thing in the path, or follows a dot.
    if (at > 0) {
      if (path[at] !== '.') return invalid(path, `expected "." or "[" at position ${at}`)
      at += 1
    }
    KEY.lastIndex = at
    const key = KEY.exec(path)
    if (!key) return invalid(path, `expected a key at position ${at}`)
    segments.push(key[0])
    at = KEY.lastIndex
  }
  return { ok: true, segments }
}

/** Writes segments back as a path, for messages: `data.items[0]`. */
export function formatJsonPath(segments: readonly JsonPathSegment[]): string {
  let out = ''
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`
    else out += out ? `.${segment}` : segment
  }
  return out || '$'
}

/**
 * Follows `segments` into a parsed JSON document. An index applies only to an array
 * and a key only to an object (its own keys, never inherited ones such as `length`).
 * @example lookupJsonPath({ data: { items: [] } }, ['data', 'items', 0])
 * // { found: false, missing: 'data.items[0]' }
 */
export function lookupJsonPath(
  document: unknown,
  segments: readonly JsonPathSegment[],
): JsonLookup {
  let value = document
  for (const [position, segment] of segments.entries()) {
    const isIndex = typeof segment === 'number'
    const container = isIndex
      ? Array.isArray(value) && segment < value.length
      : typeof value === 'object' && value !== null && !Array.isArray(value)
    if (!container || (!isIndex && !Object.hasOwn(value as object, segment))) {
      return { found: false, missing: formatJsonPath(segments.slice(0, position + 1)) }
    }
    value = (value as Record<string | number, unknown>)[segment]
  }
  return { found: true, value }
}
