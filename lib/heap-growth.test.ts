/**
 * A process that calls limitHeapGrowth() and then keeps about 100 MiB live while it
 * makes garbage (as a hub building pages does) holds a smaller heap at its peak than one
 * that does not: each runs in a process of its own, since the flag is for the process.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const GROWTH = fileURLToPath(new URL('./heap-growth.ts', import.meta.url))
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url))

/** The heap's peak size in MiB while garbage is made beside a live set. */
function peakHeapMiB(limited: boolean): number {
  const script = `
    ${limited ? `const { limitHeapGrowth } = await import(${JSON.stringify(GROWTH)}); limitHeapGrowth()` : ''}
    const live = Array.from({ length: 50 }, () => Array.from({ length: 50_000 }, (_, j) => ({ j })))
    let peak = 0
    const recent = []
    for (let round = 0; round < 300; round++) {
      recent.push(Array.from({ length: 20_000 }, (_, j) => ({ j, text: 'x' + j })))
      if (recent.length > 3) recent.shift()
      peak = Math.max(peak, process.memoryUsage().heapTotal)
    }
    console.log(peak / 1048576, live.length)
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

describe('limitHeapGrowth', () => {
  it('collects garbage before the heap grows far past what is live', () => {
    const unlimited = peakHeapMiB(false)
    const limited = peakHeapMiB(true)
    expect(limited).toBeLessThan(unlimited * 0.8)
  })
})
