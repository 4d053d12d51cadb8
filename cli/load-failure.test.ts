/**
 * A monitors file that cannot be loaded is one line that says what to do, whether tsx
 * loads it as CommonJS (no package.json around it) or as an ES module.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../test/fixtures/temp-dir.ts'
import { importMonitors } from './load-monitors.ts'

async function loadError(source: string, esm: boolean): Promise<string> {
  const dir = tempDir('vantage-load-failure-')
  if (esm) writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  const file = join(dir, 'monitors.ts')
  writeFileSync(file, source)
  const outcome = await importMonitors(file)
  expect(outcome.ok).toBe(false)
  const errors = outcome.ok ? [] : outcome.errors
  expect(errors).toHaveLength(1)
  expect(errors[0]).not.toMatch(/\n|Require stack|namespace=/)
  return errors[0]!
}

describe.each([
  ['CommonJS', false],
  ['ES module', true],
])('a monitors file that cannot be loaded (%s)', (_, esm) => {
  it('names a package that is not installed and says where to install it', async () => {
    const error = await loadError("import pad from 'left-pad-not-here'\nexport default pad\n", esm)
    expect(error).toMatch(
      /monitors\.ts: imports 'left-pad-not-here', which is not installed for \/.+: run `npm install left-pad-not-here` in that directory/,
    )
  })

  it("points an import of the old name 'vantage' to the package's name", async () => {
    const error = await loadError(
      "import { http } from 'vantage'\nexport default { checks: [http] }\n",
      esm,
    )
    expect(error).toContain("import from 'vantage-monitoring'")
  })

  it('names a relative import that does not exist', async () => {
    const error = await loadError("export { default } from './shared/checks.ts'\n", esm)
    expect(error).toMatch(/imports '\.\/shared\/checks\.ts', which does not exist/)
  })

  it('gives a syntax error with its line and column', async () => {
    const error = await loadError('export default {\n  project: "x",,\n}\n', esm)
    expect(error).toMatch(/monitors\.ts:2:\d+: Expected identifier but found ","/)
  })

  it('gives the first line of an error the file throws', async () => {
    const error = await loadError("throw new Error('SLACK_URL is not set\\nsecond line')\n", esm)
    expect(error).toMatch(/monitors\.ts: could not be loaded: SLACK_URL is not set$/)
  })
})
