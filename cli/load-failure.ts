/**
 * What went wrong when a monitors file could not be loaded, in one line that says
 * what to do: the loader's own message is a stack (a require chain, esbuild's
 * banner, a `?namespace=` URL) that tells a new user nothing.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Vantage's npm package; the name `vantage` belongs to an unrelated package. */
export const PACKAGE_NAME = 'vantage-monitoring'

const MISSING = /Cannot find (?:module|package) '([^']+)'/
/** esbuild's `file:line:col: ERROR: text`, first error only. */
const TRANSFORM = /^(\S+?):(\d+):(\d+): ERROR: (.*)$/m

/** The package part of a bare specifier: `@scope/name/sub` → `@scope/name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

/**
 * One line for `file` (as the user typed it) that failed to load with `error`.
 * @example loadFailure('monitors.ts', new Error("Cannot find module 'vantage'"))
 * // "monitors.ts: imports 'vantage', which is not Vantage's package: import from 'vantage-monitoring'"
 */
export function loadFailure(file: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const directory = dirname(resolve(file))
  const missing = MISSING.exec(message)?.[1]
  if (missing) {
    if (missing === 'vantage') {
      return `${file}: imports 'vantage', which is not Vantage's package: import from '${PACKAGE_NAME}'`
    }
    if (missing.startsWith('file:') || isAbsolute(missing)) {
      // ES modules name the resolved path; say it the way the file wrote it.
      const path = missing.startsWith('file:') ? fileURLToPath(missing) : missing
      const shown = path.startsWith(`${directory}/`) ? `./${relative(directory, path)}` : path
      return `${file}: imports '${shown}', which does not exist (relative to ${directory})`
    }
    if (missing.startsWith('.')) {
      return `${file}: imports '${missing}', which does not exist (relative to ${directory})`
    }
    const name = packageOf(missing)
    return (
      `${file}: imports '${missing}', which is not installed for ${directory}: ` +
      `run \`npm install ${name}\` in that directory (or in the project around it)`
    )
  }
  const transform = TRANSFORM.exec(message)
  if (transform) {
    const [, , line, column, text] = transform
    return `${file}:${line}:${column}: ${text}`
  }
  const firstLine = message.split('\n').find((line) => line.trim() !== '') ?? 'unknown error'
  return `${file}: could not be loaded: ${firstLine.trim()}`
}
