import { describe, expect, it } from 'vitest'
import { decodeDetectorState, encodeDetectorState, STATE_BYTES } from './detector-state.ts'
import { SeriesDetector } from './series-detector.ts'

describe('detector state bytes', () => {
  it('fit in about a kilobyte and read back to the same state', () => {
    const detector = new SeriesDetector()
    for (let i = 0; i < 500; i++) detector.observe(Date.UTC(2026, 0, 1) + i * 60_000, 100 + (i % 7))
    const bytes = encodeDetectorState(detector.state)
    expect(STATE_BYTES).toBeLessThanOrEqual(1024)
    expect(decodeDetectorState(bytes)).toEqual(detector.state)
  })

  it('refuse bytes of another length or version', () => {
    const bytes = encodeDetectorState(new SeriesDetector().state)
    expect(decodeDetectorState(bytes.subarray(1))).toBeNull()
    const other = Uint8Array.from(bytes)
    other[0] = 99
    expect(decodeDetectorState(other)).toBeNull()
  })
})
