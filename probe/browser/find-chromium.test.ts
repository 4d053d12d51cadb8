import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { chromiumArgs, findChromium, playwrightOwnChromium } from './find-chromium.ts'

function executable(dir: string, name: string): string {
  const path = join(dir, name)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, '#!/bin/sh\n')
  chmodSync(path, 0o755)
  return path
}

describe('finding Chromium', () => {
  it('takes VANTAGE_CHROMIUM first, and says so when it is not an executable', () => {
    const dir = tempDir('vantage-find-')
    const own = executable(dir, 'own/chrome')
    const system = executable(dir, 'system/chromium')
    expect(
      findChromium({ VANTAGE_CHROMIUM: own }, { playwright: undefined, system: [system] }),
    ).toEqual({
      ok: true,
      location: { path: own, source: 'VANTAGE_CHROMIUM' },
    })
    expect(findChromium({ VANTAGE_CHROMIUM: join(dir, 'nope') }, { system: [system] })).toEqual({
      ok: false,
      reason: `VANTAGE_CHROMIUM=${join(dir, 'nope')} is not an executable file`,
    })
  })

  it("prefers Playwright's own browser to the system's, and finds none without either", () => {
    const dir = tempDir('vantage-find-')
    const playwright = executable(dir, 'pw/chrome')
    const system = executable(dir, 'system/chromium')
    expect(findChromium({}, { playwright, system: [system] })).toMatchObject({
      location: { source: 'playwright' },
    })
    expect(findChromium({}, { playwright: join(dir, 'missing'), system: [system] })).toMatchObject({
      location: { path: system, source: 'system' },
    })
    expect(findChromium({}, { playwright: undefined, system: [] })).toEqual({
      ok: false,
      reason:
        'no Chromium found: set VANTAGE_CHROMIUM or install one (Debian: apt-get install chromium)',
    })
  })

  it('knows where `playwright install` puts Chromium, as playwright-core does, without loading it', () => {
    if (process.platform !== 'linux') return
    expect(playwrightOwnChromium({ HOME: process.env.HOME })).toBe(chromium.executablePath())
    expect(playwrightOwnChromium({ PLAYWRIGHT_BROWSERS_PATH: '/opt/pw' })).toMatch(
      /^\/opt\/pw\/chromium-\d+\/chrome-linux(64|-arm64)\/chrome$/,
    )
  })

  it('starts headless Chromium quiet, and without the sandbox only as root', () => {
    expect(chromiumArgs(false)).toEqual(
      expect.arrayContaining([
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ]),
    )
    expect(chromiumArgs(false)).not.toContain('--no-sandbox')
    expect(chromiumArgs(true)).toContain('--no-sandbox')
  })
})
