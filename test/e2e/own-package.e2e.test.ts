/**
 * A monitors file outside any project that installed Vantage (the hub unit's
 * /etc/vantage/monitors.ts, a file copied from the README) imports 'vantage-monitoring'
 * and validates against the running `vantage`, as CommonJS and as an ES module.
 */
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../fixtures/temp-dir.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../../bin/vantage.js', import.meta.url))

const MONITORS = `import { defineMonitoring, http } from 'vantage-monitoring'
export default defineMonitoring({
  project: 'Outside',
  defaults: { regions: ['eu-west'] },
  checks: [http('home', { url: 'https://example.com/' })],
})
`

describe.each([
  ['CommonJS', false],
  ['an ES module', true],
])('a monitors file in a directory without node_modules, as %s', (_, esm) => {
  it("imports 'vantage-monitoring' from the running vantage and validates", async () => {
    const dir = tempDir('vantage-outside-')
    if (esm) writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
    writeFileSync(join(dir, 'monitors.ts'), MONITORS)
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [VANTAGE_BIN, 'validate', 'monitors.ts'],
      { cwd: dir },
    )
    expect(stdout).toContain('monitors.ts: OK, 1 check(s)')
  })
})
