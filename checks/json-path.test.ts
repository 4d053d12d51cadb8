import { describe, expect, it } from 'vitest'
import { formatJsonPath, lookupJsonPath, parseJsonPath } from './json-path.ts'

describe('parseJsonPath', () => {
  it('parses keys and indexes, with or without a leading $', () => {
    expect(parseJsonPath('data.items[0].id')).toEqual({
      ok: true,
      segments: ['data', 'items', 0, 'id'],
    })
    expect(parseJsonPath('$.data.items[0].id')).toEqual(parseJsonPath('data.items[0].id'))
    expect(parseJsonPath('[2][0]')).toEqual({ ok: true, segments: [2, 0] })
    expect(parseJsonPath('$')).toEqual({ ok: true, segments: [] })
    expect(parseJsonPath('weird-key_1.$ref')).toEqual({
      ok: true,
      segments: ['weird-key_1', '$ref'],
    })
  })

  it('says where a path goes wrong', () => {
    const error = (path: string) => {
      const parsed = parseJsonPath(path)
      return parsed.ok ? undefined : parsed.error
    }
    expect(error('')).toBe('"" is not a JSON path: it is empty (write e.g. data.items[0].id)')
    expect(error('data..id')).toBe(
      '"data..id" is not a JSON path: expected a key at position 5 (write e.g. data.items[0].id)',
    )
    expect(error('items[x]')).toContain('expected an array index such as [0] at position 5')
    expect(error('items[0]id')).toContain('expected "." or "[" at position 8')
    expect(error('.data')).toContain('expected a key at position 0')
    expect(error('data.')).toContain('expected a key at position 5')
  })
})

describe('lookupJsonPath', () => {
  const document = { data: { items: [{ id: 7 }], nothing: null, list: [1, 2] } }

  it('finds values, null included', () => {
    expect(lookupJsonPath(document, ['data', 'items', 0, 'id'])).toEqual({ found: true, value: 7 })
    expect(lookupJsonPath(document, ['data', 'nothing'])).toEqual({ found: true, value: null })
    expect(lookupJsonPath(document, [])).toEqual({ found: true, value: document })
  })

  it('names the first part of the path that is not there', () => {
    expect(lookupJsonPath(document, ['data', 'items', 3, 'id'])).toEqual({
      found: false,
      missing: 'data.items[3]',
    })
    expect(lookupJsonPath(document, ['data', 'nothing', 'deeper'])).toEqual({
      found: false,
      missing: 'data.nothing.deeper',
    })
  })

  it('does not take an index for a key, or an inherited property for data', () => {
    expect(lookupJsonPath(document, ['data', 'list', 'length']).found).toBe(false)
    expect(lookupJsonPath(document, ['data', 0]).found).toBe(false)
    expect(lookupJsonPath({}, ['toString']).found).toBe(false)
  })
})

describe('formatJsonPath', () => {
  it('writes segments back as a path', () => {
    expect(formatJsonPath(['data', 'items', 0, 'id'])).toBe('data.items[0].id')
    expect(formatJsonPath([0, 'a'])).toBe('[0].a')
    expect(formatJsonPath([])).toBe('$')
  })
})
