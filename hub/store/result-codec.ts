/**
 * The compact encoding of a stored result (result-schema.ts). The fields that queries
 * filter or sort on are columns: check, time, id, region, probe and status. Everything
 * else is one small binary `body`, which keeps every field of the CheckResult:
 *
 * - a format byte (1), then a varint of presence bits (error, phases, metrics, details,
 *   message, browser, unknown fields) and the trigger;
 * - kind, config version, startedAt as an offset from scheduledAt, durationMs;
 * - the phases present, the assertions, then the optional parts in that order.
 *
 * Strings repeat from one result to the next (kinds, config versions, assertion names,
 * error codes), so each is written as a code into `result_names` (result-names.ts) when
 * the writer interns it, or inline as UTF-8. Numbers are varints: a non-negative whole
 * number, a non-negative number of thousandths (the runners round to the microsecond),
 * a negative whole number, or a float64 for anything else. A result of a kind this
 * file does not know in full still round-trips: fields it has no slot for go into the
 * `unknown fields` part as JSON.
 *
 * @example
 * const body = encodeBody(result, (text) => names.intern(text))
 * decodeBody(body, columns, (code) => names.nameOf(code)) // the same CheckResult
 */
import type { CheckResult, CheckStatus } from '../../checks/result.ts'
import { ByteReader, ByteWriter, type Intern, type NameOf } from './result-bytes.ts'

const FORMAT = 1

const HAS_ERROR = 1
const HAS_PHASES = 2
const HAS_METRICS = 4
const HAS_DETAILS = 8
const HAS_MESSAGE = 16
const HAS_BROWSER = 32
const HAS_EXTRA = 64
/** The trigger takes the bits from here: 0 schedule, 1 confirm, 2 manual, 3 spelled out. */
const TRIGGER_SHIFT = 7
const TRIGGERS = ['schedule', 'confirm', 'manual'] as const

const PHASES = ['dnsMs', 'connectMs', 'tlsMs', 'ttfbMs', 'transferMs'] as const

/** Fields with a slot of their own; any other field of a result travels as JSON. */
const KNOWN = new Set([
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
  'error',
  'phases',
  'assertions',
  'metrics',
  'details',
  'message',
  'browser',
  'trigger',
])

export type { Intern, NameOf } from './result-bytes.ts'
export { ByteWriter, idKey, idText } from './result-bytes.ts'

/** The columns that sit beside the body. */
export interface ResultColumns {
  id: string
  checkId: string
  region: string
  probeId: string
  scheduledAt: number
  status: CheckStatus
}

export const STATUS_CODE: Record<CheckStatus, number> = {
  up: 0,
  degraded: 1,
  down: 2,
  inconclusive: 3,
}
// Not CHECK_STATUSES from checks/result.ts: the writer thread would load zod for it.
const STATUSES: readonly CheckStatus[] = ['up', 'degraded', 'down', 'inconclusive']
export const statusOf = (code: number): CheckStatus => STATUSES[code] ?? 'inconclusive'

/**
 * Encodes what a result holds beyond its columns into `out` (reset first). Long free
 * text (message, browser report) is never interned.
 */
export function encodeBody(result: CheckResult, intern: Intern | null, out: ByteWriter): void {
  out.reset()
  const trigger = (TRIGGERS as readonly string[]).indexOf(result.trigger)
  let extra: Record<string, unknown> | undefined
  for (const key in result) {
    if (!KNOWN.has(key) && (result as Record<string, unknown>)[key] !== undefined) {
      ;(extra ??= {})[key] = (result as Record<string, unknown>)[key]
    }
  }
  const flags =
    (result.error ? HAS_ERROR : 0) |
    (result.phases ? HAS_PHASES : 0) |
    (result.metrics ? HAS_METRICS : 0) |
    (result.details ? HAS_DETAILS : 0) |
    (result.message !== undefined ? HAS_MESSAGE : 0) |
    (result.browser ? HAS_BROWSER : 0) |
    (extra ? HAS_EXTRA : 0)
  out.byte(FORMAT)
  out.varint(flags + (trigger < 0 ? 3 : trigger) * 2 ** TRIGGER_SHIFT)
  out.string(result.kind, intern, true)
  out.string(result.configVersion, intern, true)
  out.number(result.startedAt - result.scheduledAt)
  out.number(result.durationMs)
  if (result.phases) {
    const phases = result.phases
    let mask = 0
    PHASES.forEach((name, i) => {
      if (phases[name] !== undefined) mask |= 1 << i
    })
    out.byte(mask)
    for (const name of PHASES) if (phases[name] !== undefined) out.number(phases[name]!)
  }
  out.varint(result.assertions.length)
  for (const assertion of result.assertions) {
    out.byte(assertion.ok ? 1 : 0)
    out.string(assertion.name, intern, true)
    out.string(assertion.expected, intern, true)
    out.string(assertion.actual, intern, false)
  }
  if (result.error) {
    out.string(result.error.code, intern, true)
    out.string(result.error.message, intern, false)
  }
  if (result.metrics) {
    const entries = Object.entries(result.metrics)
    out.varint(entries.length)
    for (const [key, value] of entries) {
      out.string(key, intern, true)
      out.number(value)
    }
  }
  if (result.details) {
    const entries = Object.entries(result.details)
    out.varint(entries.length)
    for (const [key, value] of entries) {
      out.string(key, intern, true)
      out.string(value, intern, false)
    }
  }
  if (result.message !== undefined) out.string(result.message, null, false)
  if (result.browser) out.string(JSON.stringify(result.browser), null, false)
  if (extra) out.string(JSON.stringify(extra), null, false)
  if (trigger < 0) out.string(result.trigger, intern, true)
}

/** The whole result back from its columns and body. */
export function decodeBody(body: Uint8Array, columns: ResultColumns, nameOf: NameOf): CheckResult {
  const r = new ByteReader(body)
  const format = r.byte()
  if (format !== FORMAT) throw new RangeError(`unknown result body format ${format}`)
  const head = r.varint()
  const flags = head % 2 ** TRIGGER_SHIFT
  const trigger = Math.floor(head / 2 ** TRIGGER_SHIFT)
  const kind = r.string(nameOf)
  const configVersion = r.string(nameOf)
  const startedAt = columns.scheduledAt + r.number()
  const durationMs = r.number()
  let phases: Record<string, number> | undefined
  if (flags & HAS_PHASES) {
    const mask = r.byte()
    phases = {}
    for (let i = 0; i < PHASES.length; i++) if (mask & (1 << i)) phases[PHASES[i]!] = r.number()
  }
  const assertions = new Array(r.varint())
  for (let i = 0; i < assertions.length; i++) {
    const ok = r.byte() === 1
    const name = r.string(nameOf)
    const expected = r.string(nameOf)
    assertions[i] = { name, ok, expected, actual: r.string(nameOf) }
  }
  let error: { code: string; message: string } | undefined
  if (flags & HAS_ERROR) {
    const code = r.string(nameOf)
    error = { code, message: r.string(nameOf) }
  }
  // Built in the schema's field order, so that a result reads back as it came.
  const result: Record<string, unknown> = {
    id: columns.id,
    checkId: columns.checkId,
    kind,
    configVersion,
    probeId: columns.probeId,
    region: columns.region,
    scheduledAt: columns.scheduledAt,
    startedAt,
    durationMs,
    status: columns.status,
  }
  if (error) result.error = error
  if (phases) result.phases = phases
  result.assertions = assertions
  if (flags & HAS_METRICS) {
    const metrics: Record<string, number> = {}
    for (let n = r.varint(); n > 0; n--) {
      const key = r.string(nameOf)
      metrics[key] = r.number()
    }
    result.metrics = metrics
  }
  if (flags & HAS_DETAILS) {
    const details: Record<string, string> = {}
    for (let n = r.varint(); n > 0; n--) {
      const key = r.string(nameOf)
      details[key] = r.string(nameOf)
    }
    result.details = details
  }
  if (flags & HAS_MESSAGE) result.message = r.string(nameOf)
  if (flags & HAS_BROWSER) result.browser = JSON.parse(r.string(nameOf))
  if (flags & HAS_EXTRA) Object.assign(result, JSON.parse(r.string(nameOf)))
  result.trigger = trigger < 3 ? TRIGGERS[trigger] : r.string(nameOf)
  return result as CheckResult
}

/** The durationMs a body holds, without decoding the rest (for rollups). */
export function bodyDuration(body: Uint8Array): number {
  // format byte, flags varint, kind and config version (codes or inline), startedAt offset
  let p = skipVarint(body, 1)
  p = skipString(body, p)
  p = skipString(body, p)
  p = skipVarint(body, p)
  let tagged = 0
  let scale = 1
  for (;;) {
    const byte = body[p++]
    if (byte === undefined) throw new RangeError('result body ends early')
    tagged += (byte & 0x7f) * scale
    if (byte < 0x80) break
    scale *= 0x80
  }
  const tag = tagged % 4
  const value = Math.floor(tagged / 4)
  if (tag === 0) return value
  if (tag === 1) return value / 1000
  if (tag === 2) return -value
  return new DataView(body.buffer, body.byteOffset + p, 8).getFloat64(0)
}

function skipVarint(bytes: Uint8Array, p: number): number {
  while ((bytes[p++] ?? 0) >= 0x80);
  return p
}

function skipString(bytes: Uint8Array, p: number): number {
  let tag = 0
  let scale = 1
  for (;;) {
    const byte = bytes[p++] ?? 0
    tag += (byte & 0x7f) * scale
    if (byte < 0x80) break
    scale *= 0x80
  }
  return tag % 2 === 1 ? p : p + tag / 2
}
