import { describe, expect, it } from 'vitest'
import {
  ackSchema,
  decodeMessage,
  encodeResultBatch,
  probeStatusSchema,
  resultBatchSchema,
  runCommandSchema,
  topics,
} from './wire.ts'

const json = (value: unknown) => Buffer.from(JSON.stringify(value))

describe('topics', () => {
  it('reads the probe id back from every per-probe topic', () => {
    const t = topics('net/v1')
    expect(t.probeIdOf(t.probeStatus('eu-1'))).toBe('eu-1')
    expect(t.probeIdOf(t.acks('eu-1'))).toBe('eu-1')
    expect(t.probeIdOf(t.results(0, 'eu-1'))).toBe('eu-1')
    expect(t.probeIdOf('other/v1/probes/eu-1/status')).toBeUndefined()
  })
})

describe('run command', () => {
  it('reads a run command', () => {
    const command = { requestId: '01J', type: 'run', checkId: 'api', trigger: 'confirm' }
    expect(decodeMessage(runCommandSchema, json(command))).toEqual({ ok: true, value: command })
  })

  it('refuses what is not JSON or not a known command, and says why', () => {
    expect(decodeMessage(runCommandSchema, Buffer.from('{nope'))).toMatchObject({
      ok: false,
      problem: 'not-json',
    })
    const unknown = decodeMessage(
      runCommandSchema,
      json({ requestId: '01J', type: 'stop', checkId: 'api' }),
    )
    expect(unknown).toMatchObject({ ok: false, problem: 'invalid' })
    expect(!unknown.ok && unknown.reason).toMatch(/^type: /)
    expect(
      decodeMessage(runCommandSchema, json({ type: 'run', checkId: 'api', trigger: 'confirm' })).ok,
    ).toBe(false)
    expect(
      decodeMessage(
        runCommandSchema,
        json({ requestId: '01J', type: 'run', checkId: 'api', trigger: 'schedule' }),
      ).ok,
    ).toBe(false)
  })
})

describe('ack', () => {
  it('carries batch ids and, optionally, the hub time', () => {
    expect(decodeMessage(ackSchema, json({ batchIds: ['b1'] }))).toEqual({
      ok: true,
      value: { batchIds: ['b1'] },
    })
    expect(decodeMessage(ackSchema, json({ batchIds: 'b1' })).ok).toBe(false)
  })
})

describe('result batch', () => {
  it('encodes pre-serialised results into an envelope the decoder reads back', () => {
    const results = [
      { id: 'r1', status: 'up' },
      { id: 'r2', status: 'down' },
    ]
    const payload = encodeResultBatch(
      { batchId: 'b1', probeId: 'eu-1', region: 'eu-west', sentAt: 5 },
      results.map((result) => JSON.stringify(result)),
    )
    expect(decodeMessage(resultBatchSchema, payload)).toEqual({
      ok: true,
      value: { batchId: 'b1', probeId: 'eu-1', region: 'eu-west', sentAt: 5, results },
    })
  })

  it('encodes an empty batch as valid JSON', () => {
    const payload = encodeResultBatch({ batchId: 'b1', probeId: 'p', region: 'r', sentAt: 1 }, [])
    expect(JSON.parse(payload)).toMatchObject({ results: [] })
  })
})

describe('probe status', () => {
  it('fills defaults for what an older probe leaves out', () => {
    const decoded = decodeMessage(
      probeStatusSchema,
      json({ state: 'online', probeId: 'p', region: 'r' }),
    )
    expect(decoded).toEqual({
      ok: true,
      value: {
        state: 'online',
        probeId: 'p',
        region: 'r',
        labels: {},
        capabilities: [],
        version: 'unknown',
      },
    })
  })
})
