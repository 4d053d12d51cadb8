import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../test/fixtures/temp-dir.ts'
import { bundleScript, prepareBrowserChecks, resolveDevice } from './browser-bundle.ts'
import { typeCheckScripts } from './script-typecheck.ts'

const dir = useTempDir('vantage-bundle-')

function write(name: string, text: string): void {
  mkdirSync(join(dir.path, name, '..'), { recursive: true })
  writeFileSync(join(dir.path, name), text)
}

describe('bundling browser scripts', () => {
  it('bundles the script and its local modules into CommonJS with a source map', async () => {
    write('lib/total.ts', 'export const total = (n: number[]) => n.reduce((a, b) => a + b, 0)\n')
    write(
      'journey.ts',
      "import type { BrowserScript } from 'vantage-monitoring'\nimport { total } from './lib/total.ts'\nexport default (async ({ page }) => { total([1]); await page.goto('http://x/') }) satisfies BrowserScript\n",
    )
    const bundled = await bundleScript('./journey.ts', dir.path)
    expect(bundled.ok).toBe(true)
    if (!bundled.ok) return
    expect(bundled.script.file).toBe('journey.ts')
    expect(bundled.script.code).toContain('reduce')
    expect(bundled.script.code).not.toContain('vantage-monitoring')
    expect(JSON.parse(bundled.script.map!).sources).toEqual(['journey.ts', 'lib/total.ts'])
    expect(bundled.script.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('reports a syntax error with file:line:column', async () => {
    write('broken.ts', 'export default async () => {\n  const x = \n}\n')
    const bundled = await bundleScript('./broken.ts', dir.path)
    expect(bundled).toEqual({ ok: false, errors: [expect.stringMatching(/^broken\.ts:3:1: /)] })
  })

  it('refuses a value import of vantage, @playwright/test, and a script without a default export', async () => {
    write(
      'value.ts',
      "import { http } from 'vantage-monitoring'\nexport default async () => { http }\n",
    )
    expect(await bundleScript('./value.ts', dir.path)).toEqual({
      ok: false,
      errors: [
        expect.stringContaining(
          'value.ts:1:22: "vantage-monitoring" cannot be imported at run time',
        ),
      ],
    })
    write(
      'pwtest.ts',
      "import { expect } from '@playwright/test'\nexport default async () => { expect }\n",
    )
    expect(await bundleScript('./pwtest.ts', dir.path)).toEqual({
      ok: false,
      errors: [expect.stringContaining('@playwright/test is not available to browser checks')],
    })
    write('nodefault.ts', 'export const journey = async () => {}\n')
    expect(await bundleScript('./nodefault.ts', dir.path)).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^nodefault\.ts: has no default export/)],
    })
  })

  it('refuses a bundle over 10 MiB, and a missing file', async () => {
    write(
      'huge.ts',
      `export const blob = ${JSON.stringify('x'.repeat(10.5 * 1024 * 1024))}\nexport default async () => {}\n`,
    )
    expect(await bundleScript('./huge.ts', dir.path)).toEqual({
      ok: false,
      errors: [
        expect.stringMatching(
          /^huge\.ts: its bundle is 10\.\d MiB with its source map, more than the 10 MiB/,
        ),
      ],
    })
    expect(await bundleScript('./nope.ts', dir.path)).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^nope\.ts: no such file/)],
    })
  })

  it("resolves a device by Playwright's name and suggests names for a wrong one", () => {
    expect(resolveDevice('Pixel 7')).toEqual({
      ok: true,
      device: expect.objectContaining({ name: 'Pixel 7', isMobile: true, hasTouch: true }),
    })
    expect(resolveDevice('iPhone 99')).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^unknown device "iPhone 99"; Playwright's presets include "iPhone/,
      ),
    })
  })

  it('prepares the browser checks of a monitors file, with each error at its path', async () => {
    write('ok.ts', 'export default async () => {}\n')
    const prepared = await prepareBrowserChecks(
      {
        checks: [
          { kind: 'http', id: 'api', url: 'http://x/' },
          { kind: 'browser', id: 'ok', script: './ok.ts', device: 'Pixel 7' },
          { kind: 'browser', id: 'bad', script: './nope.ts', secretValues: { A: 'b' } },
        ],
      },
      join(dir.path, 'monitors.ts'),
    )
    expect(prepared.errors).toEqual([
      expect.stringMatching(/^checks\[2\]\.secretValues: is filled in by the hub/),
      expect.stringMatching(/^checks\[2\]\.script: nope\.ts: no such file/),
    ])
    const checks = (prepared.input as { checks: Record<string, unknown>[] }).checks
    expect(checks[0]).toEqual({ kind: 'http', id: 'api', url: 'http://x/' })
    expect(checks[1]).toMatchObject({ script: { file: 'ok.ts' }, device: { name: 'Pixel 7' } })
  })

  it('type-checks scripts against the BrowserScript types, with file:line', async () => {
    write(
      'typo.ts',
      "import type { BrowserScript } from 'vantage-monitoring'\nexport default (async ({ page, expect }) => {\n  await page.gotoo('http://x/')\n  await expect(page.getByRole('heading')).toHaveText(42)\n}) satisfies BrowserScript\n",
    )
    const outcome = await typeCheckScripts(
      [{ path: join(dir.path, 'typo.ts'), where: 'checks[0].script' }],
      dir.path,
    )
    expect(outcome.errors).toEqual([
      expect.stringMatching(
        /^checks\[0\]\.script: typo\.ts:3:14: TS2551: Property 'gotoo' does not exist/,
      ),
      expect.stringMatching(/^checks\[0\]\.script: typo\.ts:4:54: TS2345: /),
    ])
  }, 60_000)
})
