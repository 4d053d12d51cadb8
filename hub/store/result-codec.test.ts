import { describe, expect, it } from 'vitest'
import type { CheckResult } from '../../checks/result.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import {
  blocksOf,
  compareEntries,
  decodeBlock,
  decodeCheckEntries,
  encodeBlock,
  MAX_BLOCK_BYTES,
  MAX_BLOCK_SPAN_MS,
  writeCheckEntry,
  type BlockEntry,
} from './result-blocks.ts'
import { bodyDuration, ByteWriter, decodeBody, encodeBody, idKey, idText } from './result-codec.ts'

/** A dictionary like ResultNames, in memory. */
function names() {
  const codes = new Map<string, number>()
  const byCode: string[] = []
  return {
    intern: (text: string) => {
      if (!codes.has(text)) codes.set(text, byCode.push(text) - 1)
      return codes.get(text)
    },
    nameOf: (code: number) => byCode[code]!,
  }
}

function roundTrip(result: CheckResult, shared = true): CheckResult {
  const dictionary = names()
  const out = new ByteWriter()
  encodeBody(result, shared ? dictionary.intern : null, out)
  const body = out.take()
  expect(bodyDuration(body)).toBe(result.durationMs)
  return decodeBody(body, result, dictionary.nameOf)
}

describe('result bodies', () => {
  it('keep every field, in the schema order', () => {
    const result = makeResult({
      status: 'down',
      durationMs: 123.456,
      error: { code: 'HTTP_STATUS', message: 'status 503, expected 200..399 — ünïcödé' },
      phases: { dnsMs: 0.5, connectMs: 2, tlsMs: 1e-7, ttfbMs: 1e12, transferMs: 0 },
      assertions: [
        { name: 'status', ok: false, expected: '200..399', actual: '503' },
        { name: 'body', ok: true, expected: 'contains "ok"', actual: '' },
      ],
      metrics: { lookupMs: -3.25, answers: 2, big: 2 ** 60, tiny: Number.MIN_VALUE },
      details: { certSubject: 'CN=example.com', empty: '' },
      message: 'x'.repeat(10_240),
      trigger: 'manual',
      startedAt: Date.UTC(2026, 0, 1, 12) - 5,
    })
    for (const shared of [true, false]) {
      const back = roundTrip(result, shared)
      expect(back).toEqual(result)
      // As a probe writes them (checks/result.ts), whatever order the object had.
      expect(Object.keys(back)).toEqual([
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
        'trigger',
      ])
    }
  })

  it('keep a browser report, an unknown trigger and fields this format has no slot for', () => {
    const browser = {
      attempts: 2,
      steps: [{ name: 'open', durationMs: 12.5, status: 'passed' }],
      pages: [],
      console: { errors: 0, pageErrors: 0, first: [] },
      requests: { total: 3, failed: 0, firstFailed: [], transferBytes: 10 },
      artifacts: [{ name: 'shot.png', type: 'screenshot', bytes: 100 }],
    }
    const result = {
      ...makeResult({ kind: 'browser' }),
      browser,
      trigger: 'cron',
      futureField: { a: [1, 2] },
    } as unknown as CheckResult
    expect(roundTrip(result)).toEqual(result)
  })

  it('take a few dozen bytes for an HTTP check', () => {
    const dictionary = names()
    const out = new ByteWriter()
    const result = makeResult({
      phases: { dnsMs: 1.2, connectMs: 2.3, ttfbMs: 15.5, transferMs: 0.4 },
    })
    encodeBody(result, dictionary.intern, out)
    encodeBody(result, dictionary.intern, out)
    expect(out.length).toBeLessThan(30)
    expect(JSON.stringify(result).length).toBeGreaterThan(300)
  })
})

describe('ids', () => {
  it('are 16 bytes that sort as the ULIDs do, or the text when they do not fit', () => {
    const ids = [
      '01KDWRGS0000000000000000ZZ',
      '01KDWRGS00000000000000100A',
      '7ZZZZZZZZZZZZZZZZZZZZZZZZZ',
    ]
    for (const id of ids) {
      const key = idKey(id)
      expect(key).toBeInstanceOf(Uint8Array)
      expect(idText(key)).toBe(id)
    }
    const [a, b] = ids.map((id) => Buffer.from(idKey(id) as Uint8Array))
    expect(Buffer.compare(a!, b!)).toBe(-1)
    expect(idKey('8ZZZZZZZZZZZZZZZZZZZZZZZZZ')).toBe('8ZZZZZZZZZZZZZZZZZZZZZZZZZ')
    expect(idKey('not-a-ulid')).toBe('not-a-ulid')
  })
})

describe('blocks', () => {
  const entry = (
    scheduledAt: number,
    bodyBytes = 30,
    id: Uint8Array | string = new Uint8Array(16).fill(scheduledAt % 256),
  ): BlockEntry => ({
    scheduledAt,
    id,
    region: 3,
    probe: 300,
    status: scheduledAt % 4,
    flags: scheduledAt % 2 === 0 ? 4 : 8,
    body: new Uint8Array(bodyBytes).fill(7),
  })

  it('round-trip their entries, text ids included', () => {
    const entries = [
      entry(1_000),
      entry(1_000, 10, 'text-id'),
      entry(1_005),
      entry(90_000, 2_000),
    ].sort(compareEntries)
    const decoded = decodeBlock(encodeBlock(entries), 1_000)
    expect(
      decoded.map((e) => ({
        ...e,
        id: typeof e.id === 'string' ? e.id : [...e.id],
        body: [...e.body],
      })),
    ).toEqual(
      entries.map((e) => ({
        ...e,
        id: typeof e.id === 'string' ? e.id : [...e.id],
        body: [...e.body],
      })),
    )
  })

  it('are cut by size and by span', () => {
    const many = Array.from({ length: 200 }, (_, i) => entry(1_000 + i))
    const cut = [...blocksOf(many)]
    expect(cut.flat()).toHaveLength(200)
    for (const block of cut) {
      expect(block.reduce((sum, e) => sum + e.body.length + 24, 0)).toBeLessThanOrEqual(
        MAX_BLOCK_BYTES,
      )
    }
    const spread = [entry(0), entry(MAX_BLOCK_SPAN_MS), entry(MAX_BLOCK_SPAN_MS + 1)]
    expect([...blocksOf(spread)].map((block) => block.length)).toEqual([2, 1])
    expect([...blocksOf([entry(5, 5_000)])]).toHaveLength(1)
  })

  it('journal entries carry their check and where they lie', () => {
    const out = new ByteWriter()
    writeCheckEntry(out, 42, entry(1_000))
    const end = out.length
    writeCheckEntry(out, 7, entry(2_001, 5))
    const [first, second] = decodeCheckEntries(out.take())
    expect(first).toMatchObject({
      check: 42,
      scheduledAt: 1_000,
      start: 0,
      end,
      region: 3,
      probe: 300,
    })
    expect(second).toMatchObject({ check: 7, scheduledAt: 2_001, start: end, status: 1, flags: 8 })
  })
})
