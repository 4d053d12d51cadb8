/**
 * How bench:status runs its hub process: as a production hub runs, the compiled build in
 * dist/ (`npm run build`; bin/vantage.js runs it when it is there), when there is one, and
 * the TypeScript sources through tsx (bin/run-ts.js) otherwise. The tsx loader compiles
 * every module at run time on a thread of its own, which a built hub does not pay: tens
 * of MiB of RSS.
 *
 * For the build, the hub-process script (bench code, which the build leaves out) is
 * bundled with esbuild into a temp folder and run with plain `node`; every module it
 * imports from the hub's sources (checks, cli, hub, lib, probe) is imported from dist/
 * instead, so the hub's code is the build's, as installed.
 */
import { existsSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, type Plugin } from 'esbuild'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const DIST = join(ROOT, 'dist')
const BUILD = join(DIST, 'build.json')
/** The folders the build compiles (tsconfig.build.json's `include`). */
const SOURCE_DIRS = ['checks', 'cli', 'hub', 'lib', 'probe']

export interface HubEntry {
  /** The script to fork. */
  script: string
  /** Arguments before the hub-process script's own. */
  args: string[]
  compiled: boolean
  /** Which one runs, for the bench's output. */
  label: string
}

/** Imports of the hub's sources, resolved to their compiled files in dist/. */
const fromDist: Plugin = {
  name: 'hub-from-dist',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = join(args.resolveDir, args.path)
      const within = relative(ROOT, path)
      if (!SOURCE_DIRS.includes(within.split(sep)[0]!)) return undefined
      const compiled = join(DIST, within.replace(/\.tsx?$/, '.js'))
      if (!existsSync(compiled)) return { errors: [{ text: `${compiled} is not in the build` }] }
      return { path: pathToFileURL(compiled).href, external: true }
    })
  },
}

/**
 * The hub process for `file` (a .ts script): built against dist/ when there is a build
 * and `BENCH_FROM_SOURCE` is not set, else through tsx.
 */
export async function hubEntry(file: string): Promise<HubEntry> {
  if (process.env.BENCH_FROM_SOURCE === '1' || !existsSync(BUILD)) {
    return {
      script: join(ROOT, 'bin', 'run-ts.js'),
      args: [file],
      compiled: false,
      label: existsSync(BUILD)
        ? 'the TypeScript sources through tsx (BENCH_FROM_SOURCE=1)'
        : 'the TypeScript sources through tsx (no build: `npm run build` for the compiled hub)',
    }
  }
  const out = join(mkdtempSync(join(tmpdir(), 'vantage-bench-hub-')), 'hub-process.mjs')
  await build({
    entryPoints: [file],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [fromDist],
    logLevel: 'error',
  })
  // The hub's own sources, all it imports from them: one of them edited since the build
  // means the build is not what they say.
  const { metafile } = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    absWorkingDir: ROOT,
    logLevel: 'error',
  })
  const built = statSync(BUILD).mtimeMs
  const stale = Object.keys(metafile.inputs)
    .map((input) => join(ROOT, input))
    .filter((path) => SOURCE_DIRS.includes(relative(ROOT, path).split(sep)[0]!))
    .filter((path) => statSync(path).mtimeMs > built)
  return {
    script: out,
    args: [],
    compiled: true,
    label:
      `the compiled build (dist/, built ${new Date(built).toISOString()})` +
      (stale.length > 0
        ? ` — OLDER THAN ${relative(ROOT, stale[0]!)}${stale.length > 1 ? ` and ${stale.length - 1} more` : ''}: \`npm run build\` to measure the sources`
        : ''),
  }
}
