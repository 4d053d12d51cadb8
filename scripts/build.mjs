#!/usr/bin/env node
// `npm run build` (and `npm pack`, through prepack): compiles the sources to JavaScript in
// dist/ with tsc (tsconfig.build.json; `rewriteRelativeImportExtensions` turns the `.ts`
// imports into `.js`), the checks API's declarations into dist/types/, and copies the
// files tsc does not emit (the browser pool's worker entry). It builds into a new folder
// and swaps it in at the end, so a `vantage` started meanwhile runs a whole build, old or
// new; dist/build.json, written last, is what bin/vantage.js compares with the sources.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const tsc = join(root, 'node_modules/typescript/bin/tsc')
/** Files the build needs that are not TypeScript. */
const COPIED = ['probe/browser/worker-entry.mjs']

const next = mkdtempSync(join(root, '.dist-'))
try {
  for (const [project, outDir] of [
    ['tsconfig.build.json', next],
    ['tsconfig.types.json', join(next, 'types')],
  ]) {
    const run = spawnSync(process.execPath, [tsc, '-p', project, '--outDir', outDir], {
      cwd: root,
      stdio: 'inherit',
    })
    if (run.status !== 0) throw new Error(`tsc -p ${project} failed`)
  }
  for (const file of COPIED) copyFileSync(join(root, file), join(next, file))
  writeFileSync(
    join(next, 'build.json'),
    `${JSON.stringify({ builtAt: new Date().toISOString() })}\n`,
  )
  const dist = join(root, 'dist')
  const old = `${next}-old`
  if (existsSync(dist)) renameSync(dist, old)
  renameSync(next, dist)
  rmSync(old, { recursive: true, force: true })
} catch (error) {
  rmSync(next, { recursive: true, force: true })
  console.error(`build: ${error.message}`)
  process.exit(1)
}
