/**
 * Validation problems as users read them: the path as they wrote it
 * (`checks[2].expect.status`), what was expected, and what was there. The monitors file,
 * the hub's API bodies and its own config files all report through here.
 */
import type { z } from 'zod'

/** Formats a zod path as the user wrote it: ['checks', 2, 'every'] -> "checks[2].every". */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out || '(root)'
}

/** One line for a failed parse: `results[3].status: Invalid option; sentAt: expected number`. */
export function describeIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix: ReadonlyArray<PropertyKey> = [],
): string {
  return issues
    .map((issue) => `${formatPath([...prefix, ...issue.path])}: ${issue.message}`)
    .join('; ')
}

/**
 * One line per problem, in the words of the README: the path as the user wrote it, what
 * was expected and, when the message does not say it already, what was actually there.
 * `root` is the value the issues' paths start from.
 */
export function issuesToErrors(
  issues: z.core.$ZodIssue[],
  root: unknown,
  prefix: PropertyKey[] = [],
): string[] {
  return issues.map((issue) => {
    const path = formatPath([...prefix, ...issue.path])
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
    }
    // A bad record key carries the key's own message one level down.
    if (issue.code === 'invalid_key' && issue.message.startsWith('Invalid')) {
      return `${path}: ${issue.issues[0]?.message ?? issue.message}`
    }
    const actual = valueAt(root, issue.path)
    const generic = issue.message.startsWith('Invalid input')
    const hint = writtenUndefined(root, issue.path)
    if (generic && issue.code === 'invalid_type') {
      return `${path}: ${expectedText(issue.expected)}, ${gotText(actual, hint)}`
    }
    if (generic) return `${path}: invalid value, ${gotText(actual, hint)}`
    const bound = boundText(issue)
    if (bound === 'must not be empty') return `${path}: ${bound}`
    if (bound) return `${path}: ${bound}, ${gotText(actual, hint)}`
    // A worded message stands as is, but an option written with an undefined value is said
    // so: `url: process.env.OPS_URL` with the variable unset reads as a bad URL otherwise.
    if (hint) return `${path}: ${issue.message}, ${gotText(actual, true)}`
    return `${path}: ${issue.message}`
  })
}

/** zod's "Too small: expected number to be >=1" in the README's words, or null. */
function boundText(issue: z.core.$ZodIssue): string | null {
  if (issue.code !== 'too_small' && issue.code !== 'too_big') return null
  if (!/^Too (small|big)/.test(issue.message)) return null
  const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum)
  const small = issue.code === 'too_small'
  const word = small
    ? issue.inclusive === false
      ? 'more than'
      : 'at least'
    : issue.inclusive === false
      ? 'less than'
      : 'at most'
  if (small && limit === 1 && issue.inclusive !== false && issue.origin === 'string') {
    return 'must not be empty'
  }
  switch (issue.origin) {
    case 'string':
      return `must have ${word} ${limit} character(s)`
    case 'array':
    case 'set':
      return `must list ${word} ${limit} item(s)`
    default:
      return `must be ${word} ${limit}`
  }
}

/** True when the option at `path` is written out with the value undefined. */
function writtenUndefined(root: unknown, path: readonly PropertyKey[]): boolean {
  const key = path.at(-1)
  const parent = valueAt(root, path.slice(0, -1))
  return (
    key !== undefined &&
    typeof parent === 'object' &&
    parent !== null &&
    Object.hasOwn(parent, key) &&
    (parent as Record<PropertyKey, unknown>)[key] === undefined
  )
}

/** The value at `path` inside `root`, or undefined. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

const EXPECTED_TEXT: Record<string, string> = {
  array: 'expected a list',
  object: 'expected an object',
  record: 'expected an object',
  string: 'expected a text',
  number: 'expected a number',
  int: 'expected a whole number',
  boolean: 'expected true or false',
}

function expectedText(expected: string): string {
  return EXPECTED_TEXT[expected] ?? `expected ${expected}`
}

/** A value as a message quotes it, cut short. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined'
  const json = JSON.stringify(value) ?? String(value)
  return json.length > 60 ? `${json.slice(0, 57)}...` : json
}

/**
 * What was there instead. An option written out as undefined was most often read from an
 * environment variable that is not set where the file was loaded, so the message says so.
 */
function gotText(actual: unknown, writtenUndefined: boolean): string {
  if (actual === undefined) {
    return writtenUndefined
      ? 'got undefined (read from an environment variable that is not set?)'
      : 'got nothing'
  }
  return `got ${describeValue(actual)}`
}
