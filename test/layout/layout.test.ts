import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { forbiddenImports, importCycles, oversizedFiles, readSources } from './import-graph.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const files = readSources(ROOT)

describe('repository layout', () => {
  it('reads the whole tree', () => {
    expect(files.some((file) => file.path === 'hub/hub.ts')).toBe(true)
    expect(files.some((file) => file.path === 'probe/agent.ts')).toBe(true)
  })

  it('keeps hub/ and probe/ apart, checks/ on lib/ only, lib/ on nothing', () => {
    expect(forbiddenImports(files)).toEqual([])
  })

  it('has no import cycles', () => {
    expect(importCycles(files)).toEqual([])
  })

  it('keeps source files under 400 lines unless they say why', () => {
    expect(oversizedFiles(files)).toEqual([])
  })
})

describe('the layout rules themselves', () => {
  const file = (path: string, imports: string[] = [], lines = 10) => ({
    path,
    imports,
    lines,
    testOnly: path.includes('.test.'),
    statesSizeReason: false,
  })

  it('finds a forbidden import, but not in a test', () => {
    expect(
      forbiddenImports([file('hub/a.ts', ['probe/b.ts']), file('hub/a.test.ts', ['probe/b.ts'])]),
    ).toEqual(['hub/a.ts imports probe/b.ts (hub/ may not import probe/)'])
  })

  it('finds a cycle', () => {
    expect(importCycles([file('a/x.ts', ['a/y.ts']), file('a/y.ts', ['a/x.ts'])])).toEqual([
      ['a/x.ts', 'a/y.ts'],
    ])
  })

  it('finds a long file', () => {
    expect(oversizedFiles([file('a/x.ts', [], 401), file('a/y.ts', [], 400)])).toEqual([
      'a/x.ts: 401 lines',
    ])
  })
})
