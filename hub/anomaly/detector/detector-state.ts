/**
 * The detector's state as bytes, so the hub can keep it in SQLite and pick up where it
 * left off after a restart: a version byte, the forecast in use, fifteen float64
 * numbers and the two profiles as float32, 896 bytes in all. Little-endian whatever
 * the machine.
 */
import { FORECASTS, type DetectorState } from './series-detector.ts'

const VERSION = 1
const HEADER = 8
const SCALARS = 15
const DAILY = 24
const WEEKLY = 168

/** Bytes of an encoded state. */
export const STATE_BYTES = HEADER + SCALARS * 8 + (DAILY + WEEKLY) * 4

function scalarsOf(state: DetectorState): number[] {
  return [
    state.count,
    state.firstAt,
    state.level,
    state.seasonalLevel,
    state.scale,
    ...state.errors,
    state.fastShift,
    state.slowShift,
    ...state.records,
    state.rangeHigh,
    state.rangeLow,
  ]
}

/** The state as STATE_BYTES bytes. */
export function encodeDetectorState(state: DetectorState): Uint8Array {
  const bytes = new Uint8Array(STATE_BYTES)
  const view = new DataView(bytes.buffer)
  view.setUint8(0, VERSION)
  view.setUint8(1, FORECASTS.indexOf(state.forecast))
  scalarsOf(state).forEach((value, i) => view.setFloat64(HEADER + i * 8, value, true))
  let offset = HEADER + SCALARS * 8
  for (const profile of [state.daily, state.weekly]) {
    for (const value of profile) {
      view.setFloat32(offset, value, true)
      offset += 4
    }
  }
  return bytes
}

/** Reads a state back; null for bytes of another version or length (the detector starts over). */
export function decodeDetectorState(bytes: Uint8Array): DetectorState | null {
  if (bytes.length !== STATE_BYTES) return null
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const forecast = FORECASTS[view.getUint8(1)]
  if (view.getUint8(0) !== VERSION || forecast === undefined) return null
  const n = Array.from({ length: SCALARS }, (_, i) => view.getFloat64(HEADER + i * 8, true))
  const profile = (start: number, length: number) =>
    Float32Array.from({ length }, (_, i) => view.getFloat32(start + i * 4, true))
  const profiles = HEADER + SCALARS * 8
  return {
    count: n[0]!,
    firstAt: n[1]!,
    level: n[2]!,
    seasonalLevel: n[3]!,
    scale: n[4]!,
    errors: [n[5]!, n[6]!, n[7]!],
    forecast,
    fastShift: n[8]!,
    slowShift: n[9]!,
    records: [n[10]!, n[11]!, n[12]!],
    rangeHigh: n[13]!,
    rangeLow: n[14]!,
    daily: profile(profiles, DAILY),
    weekly: profile(profiles + DAILY * 4, WEEKLY),
  }
}
