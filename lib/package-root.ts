/**
 * Files of the Vantage package itself (package.json, bin/, examples/, checks/ sources),
 * found from the package's root. The compiled build runs from dist/, one folder deeper
 * than the sources, so a path relative to a module's own URL would point into dist/ there.
 */
import { fileURLToPath } from 'node:url'

/** This file is <root>/lib/package-root.ts in a source checkout, <root>/dist/lib/package-root.js when built. */
const above = new URL('..', import.meta.url)
const PACKAGE_ROOT = above.pathname.endsWith('/dist/') ? new URL('..', above) : above

/**
 * The URL of a file in the package, from its root.
 * @example packageUrl('package.json') // file:///usr/lib/node_modules/vantage-monitoring/package.json
 */
export function packageUrl(path: string): URL {
  return new URL(path, PACKAGE_ROOT)
}

/** The path of a file in the package, from its root. */
export function packagePath(path: string): string {
  return fileURLToPath(packageUrl(path))
}
