/**
 * The young generation stays small in a process that calls keepYoungGenerationSmall()
 * and then allocates as a probe's start does (much of it surviving), and grows without
 * it (32 MiB against 4 MiB here): each case runs in a process of its own, since the flag
 * is for the whole process.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  BUSY_SCAVENGES_PER_SECOND,
  IDLE_SCAVENGES_PER_SECOND,
  youngGenerationMayGrow,
} from './probe-heap.ts'

const HEAP = fileURLToPath(new URL('./probe-heap.ts', import.meta.url))
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url))

/** The young generation's resident size in MiB after allocating like a start. */
function youngGenerationMiB(capped: boolean): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8'
    ${capped ? `const { keepYoungGenerationSmall } = await import(${JSON.stringify(HEAP)}); keepYoungGenerationSmall()` : ''}
    const kept = []
    for (let i = 0; i < 400_000; i++) kept.push({ i, name: 'm' + i, list: [i, i + 1] })
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')
    console.log(young.physical_space_size / 1048576, kept.length)
  `
  const out = execFileSync(
    process.execPath,
    ['--import', TSX, '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
    },
  )
  return Number(out.split(' ')[0])
}

describe('keepYoungGenerationSmall', () => {
  it('keeps the young generation at its starting size while much of what is allocated survives', () => {
    const grown = youngGenerationMiB(false)
    const capped = youngGenerationMiB(true)
    // Loading tsx (to import the TypeScript) grows it a little before the call.
    expect(capped).toBeLessThan(grown / 4)
  })
})

/**
 * Which of V8's compilers holds a hot WebAssembly function, in a process that calls
 * keepWasmCompilationSmall() or not: the function is called until TurboFan has it, for
 * at most three seconds (without the call it takes a few milliseconds).
 */
function hotWasmTier(capped: boolean): string {
  // (func $add (param i32 i32) (result i32) local.get 0 local.get 1 i32.add), exported.
  const module = [
    0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100,
    100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11,
  ]
  const script = `
    ${capped ? `const { keepWasmCompilationSmall } = await import(${JSON.stringify(HEAP)}); keepWasmCompilationSmall()` : ''}
    const { instance } = await WebAssembly.instantiate(new Uint8Array(${JSON.stringify(module)}))
    const add = instance.exports.add
    let sum = 0
    const deadline = Date.now() + 3000
    while (Date.now() < deadline && !%IsTurboFanFunction(add)) {
      for (let i = 0; i < 100_000; i++) sum = add(sum, 1) | 0
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    console.log(%IsTurboFanFunction(add) ? 'turbofan' : %IsLiftoffFunction(add) ? 'liftoff' : 'other')
  `
  return execFileSync(
    process.execPath,
    ['--allow-natives-syntax', '--import', TSX, '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  ).trim()
}

describe('keepWasmCompilationSmall', () => {
  it("keeps hot WebAssembly (undici's HTTP parser) on the baseline compiler", () => {
    expect(hotWasmTier(false)).toBe('turbofan')
    expect(hotWasmTier(true)).toBe('liftoff')
  })
})

describe('youngGenerationMayGrow', () => {
  it('lets it grow from the busy rate on, and keeps it growing down to the idle rate', () => {
    expect(youngGenerationMayGrow(0, false)).toBe(false)
    expect(youngGenerationMayGrow(BUSY_SCAVENGES_PER_SECOND - 0.1, false)).toBe(false)
    expect(youngGenerationMayGrow(BUSY_SCAVENGES_PER_SECOND, false)).toBe(true)
    expect(youngGenerationMayGrow(IDLE_SCAVENGES_PER_SECOND, true)).toBe(true)
    expect(youngGenerationMayGrow(IDLE_SCAVENGES_PER_SECOND - 0.1, true)).toBe(false)
  })
})

/**
 * The young generation's resident size in MiB in a process that keeps it small, then
 * (with `byLoad`) follows the load, and works like a busy probe: short-lived garbage,
 * some of it kept a while, for a bounded number of rounds with a pause between them so
 * that the load's timer can judge.
 */
function youngGenerationUnderLoadMiB(byLoad: boolean): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8'
    const heap = await import(${JSON.stringify(HEAP)})
    heap.keepYoungGenerationSmall()
    ${byLoad ? 'heap.sizeYoungGenerationByLoad(100)' : ''}
    let kept = []
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 100_000; i++) {
        const item = { i, name: 'r' + i, list: [i, i + 1] }
        if (i % 10 === 0) kept.push(item)
      }
      if (kept.length > 50_000) kept = []
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')
    console.log(young.physical_space_size / 1048576)
  `
  const out = execFileSync(
    process.execPath,
    ['--import', TSX, '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
    },
  )
  return Number(out.trim())
}

describe('sizeYoungGenerationByLoad', () => {
  it('lets the young generation grow in a busy process that keeps it small otherwise', () => {
    const small = youngGenerationUnderLoadMiB(false)
    const grown = youngGenerationUnderLoadMiB(true)
    expect(grown).toBeGreaterThan(small * 2)
  })
})
