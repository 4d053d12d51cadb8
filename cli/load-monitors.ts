/**
 * Loads a monitors.ts (or .js/.mjs) file with tsx and validates its default export.
 * Any problem, from a missing file to a syntax error to schema errors, comes back
 * as a list of messages so the hub can refuse to start with half a config.
 * `importMonitors` gives the export as written, for `vantage deploy` to upload: the
 * hub validates (and applies defaults) itself.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { tsImport } from 'tsx/esm/api'
import { validateMonitoring, type ValidationOutcome } from '../checks/validate.ts'

export type ImportedMonitors = { ok: true; input: unknown } | { ok: false; errors: string[] }

/** Imports the file and returns its default export, unvalidated. */
export async function importMonitors(file: string): Promise<ImportedMonitors> {
  const path = resolve(file)
  if (!existsSync(path)) return { ok: false, errors: [`${file}: no such file`] }
  let module: { default?: unknown }
  try {
    module = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown }
  } catch (error) {
    return { ok: false, errors: [`${file}: could not be loaded: ${(error as Error).message}`] }
  }
  // A CommonJS-compiled module nests the default export one level deeper.
  let exported = module.default
  if (
    exported &&
    typeof exported === 'object' &&
    'default' in exported &&
    !('checks' in exported)
  ) {
    exported = (exported as { default: unknown }).default
  }
  if (exported === undefined) {
    return {
      ok: false,
      errors: [`${file}: has no default export (export default defineMonitoring({ ... }))`],
    }
  }
  return { ok: true, input: exported }
}

export async function loadMonitors(file: string): Promise<ValidationOutcome> {
  const imported = await importMonitors(file)
  return imported.ok ? validateMonitoring(imported.input) : imported
}
