#!/usr/bin/env node
// Entry point for the `vantage` command. It runs the compiled JavaScript in dist/
// (`npm run build`, which `npm pack` runs), so that no TypeScript is compiled at run
// time: tsx and its loader thread cost a probe about 30 MiB. In a source checkout it
// runs the TypeScript sources through tsx instead whenever dist/ is missing or older
// than a source file, so an edit is never hidden by an old build; VANTAGE_FROM_SOURCE=1
// asks for the sources anyway, and =0 for the build however old. Users' monitors.ts
// files are compiled on load either way (cli/load-monitors.ts).
import { existsSync, readdirSync, statSync } from 'node:fs'

const root = new URL('..', import.meta.url)
const SOURCE_DIRS = ['checks', 'cli', 'hub', 'lib', 'probe']
const BUILD_STAMP = new URL('dist/build.json', root)

/** The newest modification time under `dir`, in ms. */
function newestUnder(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.name, dir)
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestUnder(new URL(`${path.href}/`)) : statSync(path).mtimeMs,
    )
  }
  return newest
}

function runCompiled() {
  if (!existsSync(BUILD_STAMP)) return false
  // An installed package ships the build and not the sources it came from.
  if (!existsSync(new URL('cli/main.ts', root))) return true
  if (process.env.VANTAGE_FROM_SOURCE === '1') return false
  if (process.env.VANTAGE_FROM_SOURCE === '0') return true
  const built = statSync(BUILD_STAMP).mtimeMs
  return SOURCE_DIRS.every((dir) => newestUnder(new URL(`${dir}/`, root)) <= built)
}

// `vantage status | head` closes the pipe early: that ends the command, it is no crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
}
let main
if (runCompiled()) {
  ;({ main } = await import(new URL('dist/cli/main.js', root).href))
} else {
  const { register } = await import('tsx/esm/api')
  register()
  ;({ main } = await import('../cli/main.ts'))
}
await main(process.argv)
