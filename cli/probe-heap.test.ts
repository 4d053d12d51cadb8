/**
 * The young generation stays small in a process that calls keepYoungGenerationSmall()
 * and then allocates as a probe's start does (much of it surviving), and grows without
 * it (32 MiB against 4 MiB here): each case runs in a process of its own, since the flag
 * is for the whole process.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

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
