/**
 * A monitors file outside a project that installed Vantage (/etc/vantage/monitors.ts
 * under the hub's unit, a file copied from the README) imports 'vantage-monitoring'
 * from a directory without node_modules: it gets the running Vantage's checks API,
 * which validates it anyway. A project with the package installed keeps its own.
 *
 * Set up only when a command loads a monitors file: a loader hook starts a thread of
 * its own, which a probe, loading no monitors file, should not carry.
 */
import Module, { register } from 'node:module'
import { fileURLToPath } from 'node:url'
import { packageUrl } from '../lib/package-root.ts'

const OWN_NAME = 'vantage-monitoring'
const OWN_INDEX = packageUrl('checks/index.ts')

let resolving = false

/** Lets `import ... from 'vantage-monitoring'` find this package where nothing else does. Idempotent. */
export function resolveOwnPackage(): void {
  if (resolving) return
  resolving = true
  // ES modules go through a loader hook, registered after tsx so it runs first...
  register(packageUrl('bin/resolve-own-package.mjs'), {
    data: { name: OWN_NAME, url: OWN_INDEX.href },
  })
  // ...and require(), which tsx uses for a file outside a "type": "module" package,
  // through the CommonJS resolver that Node offers no public hook for on Node 20.
  const patched = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string
  }
  const resolveFilename = patched._resolveFilename
  patched._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    try {
      return resolveFilename.call(this, request, ...rest)
    } catch (error) {
      if (request === OWN_NAME && (error as { code?: string }).code === 'MODULE_NOT_FOUND') {
        return fileURLToPath(OWN_INDEX)
      }
      throw error
    }
  }
}
