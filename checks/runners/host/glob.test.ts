import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expandGlob, globToRegExp, matchesPathPattern } from './glob.ts'
import { useTempDir } from '../../../test/fixtures/temp-dir.ts'

describe('globToRegExp', () => {
  it('keeps * and ? inside one segment and lets ** span segments', () => {
    const re = globToRegExp('/backups/*/db-??.sql')
    expect(re.test('/backups/monday/db-01.sql')).toBe(true)
    expect(re.test('/backups/a/b/db-01.sql')).toBe(false)
    expect(re.test('/backups/monday/db-1.sql')).toBe(false)
    const deep = globToRegExp('/srv/**/current.log')
    expect(
      ['/srv/current.log', '/srv/a/current.log', '/srv/a/b/current.log'].every((p) => deep.test(p)),
    ).toBe(true)
    expect(deep.test('/srv/a/current.log.1')).toBe(false)
  })

  it('treats regex characters literally', () => {
    expect(globToRegExp('/a+b/(x).tar.gz').test('/a+b/(x).tar.gz')).toBe(true)
    expect(globToRegExp('/a+b/(x).tar.gz').test('/aab/(x)xtar.gz')).toBe(false)
  })
})

describe('matchesPathPattern', () => {
  it('takes a plain path as a directory prefix', () => {
    expect(matchesPathPattern('/data', '/data')).toBe(true)
    expect(matchesPathPattern('/data/x', '/data/')).toBe(true)
    expect(matchesPathPattern('/database', '/data')).toBe(false)
    expect(matchesPathPattern('/anything', '/')).toBe(true)
  })
})

describe('expandGlob', () => {
  // Made at once: the files below are written while the tests are collected.
  const dir = useTempDir('vantage-glob-').path
  mkdirSync(join(dir, 'a/b'), { recursive: true })
  for (const file of ['x.log', 'a/y.log', 'a/b/z.log', 'a/b/z.txt'])
    writeFileSync(join(dir, file), '')
  // A link loop that ** must not follow.
  symlinkSync(dir, join(dir, 'a/loop'))

  it('walks only what the pattern can match', async () => {
    const { paths, truncated } = await expandGlob(`${dir}/**/*.log`)
    expect(paths.sort()).toEqual([`${dir}/a/b/z.log`, `${dir}/a/y.log`, `${dir}/x.log`])
    expect(truncated).toBe(false)
  })

  it('returns nothing for a missing directory, without calling it unreadable', async () => {
    expect(await expandGlob(`${dir}/missing/*.log`)).toEqual({ paths: [], truncated: false })
  })
})
