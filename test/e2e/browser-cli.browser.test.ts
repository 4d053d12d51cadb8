/**
 * Browser checks through the CLI, as a user runs them: `vantage validate` bundles and
 * type-checks the script, `vantage test --grep ... --artifacts DIR` runs it in a real
 * Chromium with the probe's own runner and keeps the screenshots and the trace.
 */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowserTarget, type BrowserTarget } from '../fixtures/browser-target.ts'
import { findChromium } from '../fixtures/chromium.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../../bin/vantage.js', import.meta.url))

function vantage(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [VANTAGE_BIN, ...args],
      { encoding: 'utf8', timeout: 90_000, env: { ...process.env, NO_COLOR: '1', ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

describe.runIf(toolAvailable('chromium', findChromium() !== undefined))(
  'browser checks in the CLI',
  () => {
    const dir = useTempDir('vantage-browser-cli-')
    let target: BrowserTarget
    let monitors: string

    beforeAll(async () => {
      target = await startBrowserTarget()
      monitors = join(dir.path, 'monitors.ts')
      writeFileSync(
        join(dir.path, 'login.ts'),
        `import type { BrowserScript } from 'vantage-monitoring'
export default (async ({ page, expect, step, params, secrets }) => {
  await step('open the home page', () => page.goto(params.BASE_URL!))
  await step('log in', async () => {
    await page.getByRole('link', { name: 'Log in' }).click()
    await page.getByLabel('Username').fill('demo')
    await page.getByLabel('Password').fill(secrets.SHOP_PASSWORD!)
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect(page.getByRole('heading')).toHaveText('Hello, demo')
  })
}) satisfies BrowserScript
`,
      )
      writeFileSync(
        join(dir.path, 'typo.ts'),
        `import type { BrowserScript } from 'vantage-monitoring'
export default (async ({ page }) => {
  await page.gotoo('${target.url}/')
}) satisfies BrowserScript
`,
      )
      writeFileSync(
        monitors,
        `import { browser, defineMonitoring } from 'vantage-monitoring'
export default defineMonitoring({
  defaults: { regions: ['local'] },
  checks: [
    browser('login', {
      script: './login.ts',
      params: { BASE_URL: '${target.url}/' },
      secrets: ['SHOP_PASSWORD'],
    }),
    browser('typo', { script: process.env.WITH_TYPO ? './typo.ts' : './login.ts' }),
  ],
})
`,
      )
    })
    afterAll(async () => {
      await target?.close()
    })

    it('validate type-checks the scripts and names the line', async () => {
      const ok = await vantage(['validate', monitors])
      expect(ok.code).toBe(0)
      expect(ok.stdout).toContain('login                    browser')
      const bad = await vantage(['validate', monitors], { WITH_TYPO: '1' })
      expect(bad.code).toBe(1)
      expect(bad.stderr).toMatch(
        /checks\[1\]\.script: typo\.ts:3:14: TS2551: Property 'gotoo' does not exist on type 'Page'/,
      )
      // Two type-checks of Playwright's types: slow on a loaded machine.
    }, 180_000)

    it('test --grep runs the journey with local secrets and keeps its artifacts', async () => {
      const artifacts = join(dir.path, 'artifacts')
      const run = await vantage(['test', monitors, '--grep', '^login$', '--artifacts', artifacts], {
        SHOP_PASSWORD: 's3cret',
      })
      expect(run.stderr).toContain('artifacts of login:')
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/^up\s+login\s+browser/m)
      expect(run.stdout).toContain('steps: ✓ open the home page')
      const [kept] = readdirSync(artifacts)
      expect(kept).toMatch(/^login-[0-9A-Z]{26}$/)
      expect(existsSync(join(artifacts, kept!, 'trace.zip'))).toBe(true)
      expect(existsSync(join(artifacts, kept!, 'final.png'))).toBe(true)

      // Without the secret the script says which variable is missing, and the run is down.
      const missing = await vantage(['test', monitors, '--grep', '^login$'])
      expect(missing.code).toBe(1)
      expect(missing.stdout).toContain('secrets.SHOP_PASSWORD has no value')
    })
  },
)
