/** The script's expect on plain values, and what its failures say; locators run in test/e2e. */
import { describe, expect as check, it } from 'vitest'
import { expect, ExpectationError } from './expect.ts'

function failure(run: () => void): ExpectationError {
  try {
    run()
  } catch (error) {
    if (error instanceof ExpectationError) return error
    throw error
  }
  throw new Error('expected an ExpectationError')
}

describe("a browser script's expect on values", () => {
  it('passes what holds, .not included', () => {
    expect(3).toBe(3)
    expect({ a: [1, 2] }).toEqual({ a: [1, 2] })
    expect([1, 2, 3]).toContain(2)
    expect('checkout done').toMatch(/done$/)
    expect(0).not.toBeTruthy()
    expect(5).toBeGreaterThan(4)
    expect('a').not.toBe('b')
  })

  it('says what was expected and what there was, and names the value', () => {
    const error = failure(() => expect(2, 'cart total').toBe(3))
    check(error.message).toBe('expect(cart total).toBe: expected 3, got 2')
    check([error.target, error.matcher, error.expected, error.actual]).toEqual([
      'cart total',
      'toBe',
      '3',
      '2',
    ])
    check(failure(() => expect('a').not.toBe('a')).message).toBe(
      'expect(value).not.toBe: expected not "a", got "a"',
    )
    check(failure(() => expect([1]).toContain(2)).expected).toBe('something containing 2')
  })
})
