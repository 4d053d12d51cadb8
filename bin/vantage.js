#!/usr/bin/env node
// Entry point for the `vantage` command. The sources are TypeScript; tsx compiles
// them on load so that the same loader also reads users' monitors.ts files.
import Module, { register as registerHooks } from 'node:module'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

const OWN_NAME = 'vantage-monitoring'
const OWN_INDEX = new URL('../checks/index.ts', import.meta.url)

register()
// A monitors file outside a project that installed Vantage (/etc/vantage/monitors.ts
// under the hub's unit, a file copied from the README) imports 'vantage-monitoring'
// from a directory without node_modules: it gets the running Vantage's checks API,
// which validates it anyway. A project with the package installed keeps its own.
// ES modules go through a loader hook, registered after tsx so it runs first...
registerHooks('./resolve-own-package.mjs', import.meta.url, {
  data: { name: OWN_NAME, url: OWN_INDEX.href },
})
// ...and require(), which tsx uses for a file outside a "type": "module" package,
// through the CommonJS resolver that Node offers no public hook for on Node 20.
const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  try {
    return resolveFilename.call(this, request, ...rest)
  } catch (error) {
    if (request === OWN_NAME && error?.code === 'MODULE_NOT_FOUND') {
      return fileURLToPath(OWN_INDEX)
    }
    throw error
  }
}
// `vantage status | head` closes the pipe early: that ends the command, it is no crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
}
const { main } = await import('../cli/main.ts')
await main(process.argv)
