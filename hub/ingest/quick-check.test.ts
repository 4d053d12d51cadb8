import { describe, expect, it } from 'vitest'
import { checkResultSchema, type CheckResult } from '../../checks/result.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { surelyValid } from './quick-check.ts'

const full: CheckResult = makeResult({
  status: 'down',
  error: { code: 'HTTP_STATUS', message: 'status 503, expected 200..399' },
  phases: { dnsMs: 1.25, connectMs: 2, tlsMs: 3.5, ttfbMs: 40.125, transferMs: 0.5 },
  metrics: { lookupMs: 3, answers: 2 },
  details: { certSubject: 'CN=example.com', finalUrl: 'https://example.com/' },
  message: 'ok',
  trigger: 'confirm',
})

/** Every way the tests below bend a valid result. */
function* mutations(base: Record<string, unknown>): Generator<unknown> {
  const values: unknown[] = [
    undefined,
    null,
    0,
    -1,
    1.5,
    -0.5,
    2 ** 60,
    '',
    'x',
    'x'.repeat(101),
    'x'.repeat(20_000),
    true,
    [],
    {},
    [{}],
    { a: 1 },
    '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    '01arz3ndektsv4rrffq69g5fav',
    'up',
    'sideways',
    'schedule',
    'never',
  ]
  for (const key of [...Object.keys(base), 'extra', 'browser']) {
    const { [key]: _, ...without } = base
    yield without
    for (const value of values) yield { ...base, [key]: value }
  }
  const nested: Array<[string, Record<string, unknown>]> = [
    ['error', base.error as Record<string, unknown>],
    ['phases', base.phases as Record<string, unknown>],
    ['metrics', base.metrics as Record<string, unknown>],
    ['details', base.details as Record<string, unknown>],
    ['assertions[0]', (base.assertions as Record<string, unknown>[])[0]!],
  ]
  for (const [key, object] of nested) {
    if (!object) continue
    const put = (next: unknown) =>
      key === 'assertions[0]' ? { ...base, assertions: [next] } : { ...base, [key]: next }
    for (const field of [...Object.keys(object), 'extra', '__proto__']) {
      const { [field]: _, ...without } = object
      yield put(without)
      for (const value of values) yield put({ ...object, [field]: value })
    }
  }
  yield {
    ...base,
    details: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])),
  }
  yield { ...base, details: { ['k'.repeat(65)]: 'v' } }
  yield { ...base, details: { k: 'v'.repeat(1_025) } }
  yield JSON.parse(JSON.stringify(base).replace('"metrics":{', '"metrics":{"__proto__":1,'))
}

describe('surelyValid', () => {
  it('takes the common results as they are', () => {
    expect(surelyValid(makeResult())).toBe(true)
    expect(surelyValid(JSON.parse(JSON.stringify(full)))).toBe(true)
    expect(surelyValid(JSON.parse(JSON.stringify(makeResult({ assertions: [] }))))).toBe(true)
  })

  it('never takes what the schema refuses', () => {
    let checked = 0
    for (const base of [
      JSON.parse(JSON.stringify(full)),
      JSON.parse(JSON.stringify(makeResult())),
    ]) {
      for (const candidate of mutations(base)) {
        const schema = checkResultSchema.safeParse(candidate).success
        if (surelyValid(candidate))
          expect({ candidate, schema }).toEqual({ candidate, schema: true })
        checked += 1
      }
    }
    expect(checked).toBeGreaterThan(500)
  })

  it('leaves browser reports to the schema', () => {
    const browser = {
      attempts: 1,
      steps: [],
      pages: [],
      console: { errors: 0, pageErrors: 0, first: [] },
      requests: { total: 1, failed: 0, firstFailed: [], transferBytes: 10 },
      artifacts: [],
    }
    const result = { ...makeResult({ kind: 'browser' }), browser }
    expect(checkResultSchema.safeParse(result).success).toBe(true)
    expect(surelyValid(result)).toBe(false)
  })
})
