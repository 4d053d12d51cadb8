/**
 * A fast first look at a result before checkResultSchema (checks/result.ts): true only
 * for a result that the schema certainly accepts as it is. It knows every field but a
 * browser report; anything it is not sure of (a browser report, a bound crossed, a field
 * it does not know) returns false, and the schema decides and says why.
 *
 * The schema, with zod, costs about 2.5 µs per result and copies it; this a fraction of
 * that, and the parsed JSON is kept as it came. hub/ingest/quick-check.test.ts holds the
 * two to the same verdicts.
 */
import {
  CHECK_STATUSES,
  MAX_DETAIL_KEY_LENGTH,
  MAX_DETAIL_LENGTH,
  MAX_DETAILS,
  MAX_MESSAGE_LENGTH,
} from '../../checks/result.ts'

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/
const STATUSES = new Set<unknown>(CHECK_STATUSES)
const TRIGGERS = new Set<unknown>(['schedule', 'confirm', 'manual'])
const PHASES = new Set(['dnsMs', 'connectMs', 'tlsMs', 'ttfbMs', 'transferMs'])
const REQUIRED = [
  'id',
  'checkId',
  'kind',
  'configVersion',
  'probeId',
  'region',
  'scheduledAt',
  'startedAt',
  'durationMs',
  'status',
  'assertions',
  'trigger',
]
const OPTIONAL = new Set(['error', 'phases', 'metrics', 'details', 'message'])
const KNOWN = new Set([...REQUIRED, ...OPTIONAL])

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isText = (value: unknown, min = 0, max = Infinity): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max
const isEpochMs = (value: unknown) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
const isMs = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0
const isNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value)

/** True when checkResultSchema accepts `raw` unchanged; false when it is not sure. */
export function surelyValid(raw: unknown): boolean {
  if (!isObject(raw)) return false
  for (const key in raw) {
    if (!KNOWN.has(key)) return false
  }
  for (const key of REQUIRED) if (!(key in raw)) return false
  const r = raw
  if (!(
    isText(r.id) &&
    ULID.test(r.id) &&
    isText(r.checkId, 1, 100) &&
    isText(r.kind, 1) &&
    isText(r.configVersion) &&
    isText(r.probeId, 1) &&
    isText(r.region, 1) &&
    isEpochMs(r.scheduledAt) &&
    isEpochMs(r.startedAt) &&
    isMs(r.durationMs) &&
    STATUSES.has(r.status) &&
    TRIGGERS.has(r.trigger) &&
    Array.isArray(r.assertions)
  )) {
    return false
  }
  for (const assertion of r.assertions as unknown[]) {
    if (!isObject(assertion)) return false
    let keys = 0
    for (const _ in assertion) keys++
    if (
      keys !== 4 ||
      !isText(assertion.name) ||
      typeof assertion.ok !== 'boolean' ||
      !isText(assertion.expected) ||
      !isText(assertion.actual)
    ) {
      return false
    }
  }
  if (r.error !== undefined) {
    if (!isObject(r.error)) return false
    let keys = 0
    for (const _ in r.error) keys++
    if (keys !== 2 || !isText(r.error.code) || !isText(r.error.message)) return false
  }
  if (r.phases !== undefined) {
    if (!isObject(r.phases)) return false
    for (const key in r.phases) {
      const value = r.phases[key]
      if (!PHASES.has(key) || (value !== undefined && !isMs(value))) return false
    }
  }
  if (r.metrics !== undefined) {
    if (!isObject(r.metrics)) return false
    for (const key in r.metrics) {
      if (key === '__proto__' || !isNumber(r.metrics[key])) return false
    }
  }
  if (r.details !== undefined) {
    if (!isObject(r.details)) return false
    let count = 0
    for (const key in r.details) {
      count++
      if (
        key === '__proto__' ||
        key.length > MAX_DETAIL_KEY_LENGTH ||
        !isText(r.details[key], 0, MAX_DETAIL_LENGTH)
      ) {
        return false
      }
    }
    if (count > MAX_DETAILS) return false
  }
  if (r.message !== undefined && !isText(r.message, 0, MAX_MESSAGE_LENGTH)) return false
  return true
}
