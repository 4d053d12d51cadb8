import { decodeTime } from 'ulid'
import { describe, expect, it } from 'vitest'
import { ulid } from './ulid.ts'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

describe('ulid', () => {
  it('encodes the given time and is a valid ULID', () => {
    const id = ulid(1_700_000_000_123)
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    expect(decodeTime(id)).toBe(1_700_000_000_123)
  })

  it('never repeats, across many refills of its random pool', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => ulid(0)))
    expect(ids.size).toBe(20_000)
  })

  it('uses every character of the alphabet in the random part', () => {
    const seen = new Set(
      Array.from({ length: 2_000 }, () => ulid(0).slice(10))
        .join('')
        .split(''),
    )
    expect([...seen].sort().join('')).toBe(CROCKFORD)
  })
})
