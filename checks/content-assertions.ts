/**
 * Expectations on what a response contains: a text (a header, a body, a banner, a DNS
 * answer) that equals, contains or matches, and paths of a JSON body. Like every
 * assertion, each records the expected and the actual value; a failure means `down`.
 */
import { isDeepStrictEqual } from 'node:util'
import { lookupJsonPath, parseJsonPath } from './json-path.ts'
import type { AssertionResult } from './result.ts'

/** Longest value an assertion quotes: enough to recognise a body, short enough for a page. */
const QUOTE_MAX = 80

/**
 * Quotes a text for an assertion's expected or actual value, cut to `max` characters.
 * @example quote('Service Unavailable') // '"Service Unavailable"'
 */
export function quote(text: string, max = QUOTE_MAX): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text
  return JSON.stringify(cut)
}

/** What a text (a header, a body, a banner, a DNS answer) is expected to be. */
export interface TextExpectation {
  /** The whole text, exactly. */
  equals?: string
  /** A part of the text, exactly. */
  contains?: string
  /** A regular expression (JavaScript syntax, no flags) that finds a match somewhere in the text. */
  matches?: string
}

/**
 * Checks a text against each expectation that is set, one assertion each; a failure
 * means `down`. A text that is not there at all (an absent header) fails them all.
 * A match shows what matched; anything else shows the start of the text.
 * @example assertText('header content-type', 'text/html', { matches: '^application/json' })
 * // [{ name: 'header content-type', ok: false, expected: 'matches /^application\\/json/', actual: '"text/html"' }]
 */
export function assertText(
  name: string,
  actual: string | undefined,
  expected: TextExpectation,
): AssertionResult[] {
  const shown = actual === undefined ? '(missing)' : quote(actual)
  const assertions: AssertionResult[] = []
  if (expected.equals !== undefined) {
    const ok = actual === expected.equals
    assertions.push({ name, ok, expected: `== ${quote(expected.equals)}`, actual: shown })
  }
  if (expected.contains !== undefined) {
    const ok = actual?.includes(expected.contains) ?? false
    assertions.push({ name, ok, expected: `contains ${quote(expected.contains)}`, actual: shown })
  }
  if (expected.matches !== undefined) {
    const regex = new RegExp(expected.matches)
    const match = actual === undefined ? null : regex.exec(actual)
    assertions.push({
      name,
      ok: match !== null,
      // As a regex literal, with its slashes escaped: `matches /^text\/html/`.
      expected: `matches ${String(regex)}`,
      actual: match ? quote(match[0]) : shown,
    })
  }
  return assertions
}

/** A JSON value as `equals` compares it. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** What one path of a JSON body is expected to hold; every condition set must hold. */
export interface JsonExpectation {
  /** Dotted keys and [index]es, e.g. `data.items[0].id` (see json-path.ts). */
  path: string
  /** Deeply equal to this value; no type conversion (`"1"` is not `1`). */
  equals?: JsonValue
  /** `true`: the path is there (even when null); `false`: it is not. */
  exists?: boolean
  /** A number below this one. */
  lessThan?: number
  /** A number above this one. */
  greaterThan?: number
}

/** A response body after one JSON.parse: the document, or why it is not JSON. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: string }

/**
 * Parses a body once for all JSON expectations.
 * @example parseJsonBody('{"ok":true}') // { ok: true, value: { ok: true } }
 */
export function parseJsonBody(text: string): ParsedBody {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    return { ok: false, error: `body is not JSON (${(error as Error).message})` }
  }
}

/**
 * Checks one path of a JSON body: one assertion per condition set, named `json <path>`;
 * a failure means `down`. A body that is not JSON fails every condition.
 * @example assertJson(parseJsonBody('{"data":{"count":120}}'), { path: 'data.count', lessThan: 100 })
 * // [{ name: 'json data.count', ok: false, expected: '< 100', actual: '120' }]
 * @throws Error when the path does not parse (specs are validated before they get here)
 */
export function assertJson(body: ParsedBody, expectation: JsonExpectation): AssertionResult[] {
  const path = parseJsonPath(expectation.path)
  if (!path.ok) throw new Error(path.error)
  const name = `json ${expectation.path}`
  const found = body.ok ? lookupJsonPath(body.value, path.segments) : undefined
  const actual = !body.ok
    ? body.error
    : found?.found
      ? quoteJson(found.value)
      : `(missing: no ${found?.missing})`
  const value = found?.found ? found.value : undefined
  const assertions: AssertionResult[] = []
  const add = (ok: boolean, expected: string): void => {
    assertions.push({ name, ok: body.ok && ok, expected, actual })
  }
  if (expectation.exists !== undefined) {
    add(found?.found === expectation.exists, expectation.exists ? 'exists' : 'does not exist')
  }
  if (expectation.equals !== undefined) {
    add(
      found?.found === true && isDeepStrictEqual(value, expectation.equals),
      `== ${quoteJson(expectation.equals)}`,
    )
  }
  if (expectation.lessThan !== undefined) {
    add(typeof value === 'number' && value < expectation.lessThan, `< ${expectation.lessThan}`)
  }
  if (expectation.greaterThan !== undefined) {
    add(
      typeof value === 'number' && value > expectation.greaterThan,
      `> ${expectation.greaterThan}`,
    )
  }
  return assertions
}

/** A JSON value as text, cut like {@link quote}: `120`, `"ok"`, `{"id":7}`. */
function quoteJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text
}
