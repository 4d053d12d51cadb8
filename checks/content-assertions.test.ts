import { describe, expect, it } from 'vitest'
import { assertJson, assertText, parseJsonBody, quote } from './content-assertions.ts'

describe('quote', () => {
  it('quotes and cuts long texts', () => {
    expect(quote('Service Unavailable')).toBe('"Service Unavailable"')
    expect(quote('x'.repeat(100))).toBe(`"${'x'.repeat(80)}…"`)
    expect(quote('a "b"\n')).toBe('"a \\"b\\"\\n"')
  })
})

describe('assertText', () => {
  it('gives one assertion per expectation, with the expected and actual text', () => {
    expect(
      assertText('body', 'status: ok, version 1.4', { contains: 'ok', matches: 'version \\d+' }),
    ).toEqual([
      { name: 'body', ok: true, expected: 'contains "ok"', actual: '"status: ok, version 1.4"' },
      { name: 'body', ok: true, expected: 'matches /version \\d+/', actual: '"version 1"' },
    ])
  })

  it('compares equals exactly', () => {
    expect(assertText('header x', 'no-store', { equals: 'no-store' })[0]?.ok).toBe(true)
    expect(assertText('header x', 'no-store ', { equals: 'no-store' })[0]).toEqual({
      name: 'header x',
      ok: false,
      expected: '== "no-store"',
      actual: '"no-store "',
    })
  })

  it('fails every expectation on a missing text', () => {
    expect(assertText('header x', undefined, { equals: 'a', contains: 'b', matches: 'c' })).toEqual(
      [
        { name: 'header x', ok: false, expected: '== "a"', actual: '(missing)' },
        { name: 'header x', ok: false, expected: 'contains "b"', actual: '(missing)' },
        { name: 'header x', ok: false, expected: 'matches /c/', actual: '(missing)' },
      ],
    )
  })

  it('matches without flags: case matters, ^ anchors the whole text', () => {
    expect(assertText('body', 'OK', { matches: 'ok' })[0]?.ok).toBe(false)
    expect(assertText('body', 'a\nb', { matches: '^b' })[0]?.ok).toBe(false)
    expect(assertText('body', 'OK', { matches: '[Oo][Kk]' })[0]?.ok).toBe(true)
  })
})

describe('assertJson', () => {
  const body = parseJsonBody('{"status":"ok","data":{"count":120,"tags":["a"],"id":"7"}}')

  it('compares with equals (deeply, without type conversion), lessThan and greaterThan', () => {
    expect(assertJson(body, { path: 'data.tags', equals: ['a'] })[0]?.ok).toBe(true)
    expect(assertJson(body, { path: 'data.id', equals: 7 })[0]).toEqual({
      name: 'json data.id',
      ok: false,
      expected: '== 7',
      actual: '"7"',
    })
    expect(assertJson(body, { path: 'data.count', greaterThan: 100, lessThan: 100 })).toEqual([
      { name: 'json data.count', ok: false, expected: '< 100', actual: '120' },
      { name: 'json data.count', ok: true, expected: '> 100', actual: '120' },
    ])
  })

  it('does not compare a number it does not have', () => {
    expect(assertJson(body, { path: 'status', lessThan: 1 })[0]?.ok).toBe(false)
    expect(assertJson(body, { path: 'nope', greaterThan: 1 })[0]).toEqual({
      name: 'json nope',
      ok: false,
      expected: '> 1',
      actual: '(missing: no nope)',
    })
  })

  it('checks existence', () => {
    expect(assertJson(body, { path: 'data.count', exists: true })[0]?.ok).toBe(true)
    expect(assertJson(body, { path: 'data.count', exists: false })[0]?.ok).toBe(false)
    expect(assertJson(body, { path: 'data.gone', exists: false })[0]?.ok).toBe(true)
  })

  it('fails everything on a body that is not JSON', () => {
    const broken = parseJsonBody('{"status":')
    expect(broken.ok).toBe(false)
    const [assertion] = assertJson(broken, { path: 'data.gone', exists: false })
    expect(assertion?.ok).toBe(false)
    expect(assertion?.actual).toMatch(/^body is not JSON \(/)
  })
})
