/**
 * Loads a monitors.ts (or .js/.mjs) file with tsx and validates its default export.
 * Any problem, from a missing file to a syntax error to schema errors, comes back
 * as a list of messages so the hub can refuse to start with half a config.
 * `importMonitors` gives the export as written, for `vantage deploy` to upload: the
 * hub validates (and applies defaults) itself.
 *
 * Loading also yields warnings: a channel field that came out empty, undefined,
 * "…undefined…" or ending in a blank (as `process.env.SMTP_PASS` or
 * `Bearer ${process.env.TOKEN}` do when the variable is unset or empty) validates when the field is optional, and fails only when an
 * alert is sent. Only here is that visible: JSON drops an undefined field before the
 * hub sees the config.
 */
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { tsImport } from 'tsx/esm/api'
import { validateMonitoring, type ValidationOutcome } from '../checks/validate.ts'
import { sloWarnings } from '../checks/slo.ts'
import { prepareBrowserChecks } from './browser-bundle.ts'
import { typeCheckScripts } from './script-typecheck.ts'
import { loadFailure } from './load-failure.ts'
import { resolveOwnPackage } from './own-package.ts'

export type ImportedMonitors =
  | { ok: true; input: unknown; warnings: string[] }
  | { ok: false; errors: string[]; warnings: string[] }

/** Loaded and validated, with the warnings of loading (see the header). */
export type LoadedMonitors = ValidationOutcome & { warnings: string[] }

/** A text an unset variable leaves behind in a template literal. */
const UNDEFINED_TEXT = /\bundefined\b/

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** What looks wrong about a channel field's value, or undefined. */
function emptyValue(value: unknown): string | undefined {
  if (value === undefined) return 'is undefined'
  if (value === null) return 'is null'
  if (typeof value === 'string') {
    if (value.trim() === '') return 'is empty'
    if (UNDEFINED_TEXT.test(value)) return 'contains "undefined"'
    // `Bearer ${process.env.TOKEN}` with TOKEN empty.
    if (/\s$/.test(value)) return `ends with a blank (${JSON.stringify(value)})`
  }
  return undefined
}

function emptyFields(value: unknown, path: string, out: string[][]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => emptyFields(item, `${path}[${index}]`, out))
  } else if (isObject(value)) {
    for (const key of Object.keys(value))
      emptyFields(value[key], path ? `${path}.${key}` : key, out)
  } else {
    const what = emptyValue(value)
    if (what) out.push([path, what])
  }
}

/**
 * Warnings for channel fields that came out empty, undefined or "…undefined…", each
 * naming the environment variables the file read while they were unset or empty.
 * @example channelWarnings({ channels: [{ type: 'email', name: 'mail', smtp: { pass: undefined } }] }, ['SMTP_PASS'])
 * // ['channel "mail" (email): smtp.pass is undefined; unset or empty while the file loaded: SMTP_PASS']
 */
export function channelWarnings(input: unknown, unsetVariables: string[]): string[] {
  if (!isObject(input) || !Array.isArray(input.channels)) return []
  const hint =
    unsetVariables.length > 0
      ? `; unset or empty while the file loaded: ${unsetVariables.join(', ')}`
      : '; is an environment variable unset?'
  return input.channels.flatMap((channel: unknown) => {
    if (!isObject(channel)) return []
    const fields: string[][] = []
    emptyFields(channel, '', fields)
    const name = typeof channel.name === 'string' ? channel.name : '?'
    const type = typeof channel.type === 'string' ? channel.type : '?'
    return fields.map(([path, what]) => `channel "${name}" (${type}): ${path} ${what}${hint}`)
  })
}

/**
 * True when the code that read a variable (the frame right under the trap) is the
 * user's project: not Node's, not an installed package's such as tsx.
 */
function readByProject(stack: string | undefined): boolean {
  // tsx runs a CommonJS-style file from a data: URL (percent-encoded) that names it.
  const reader = (stack ?? '').split('\n')[2] ?? ''
  const inPackage = /\/node_modules\/|%2Fnode_modules%2F/i.test(reader)
  return reader !== '' && !/[\s(]node:/.test(reader) && !inPackage
}

/**
 * Runs `load` while recording which environment variables the project's code read
 * while they were unset or empty. Library reads (tsx, node_modules) are not counted.
 */
async function watchingEnvironment<T>(load: () => Promise<T>): Promise<[T, string[]]> {
  const original = process.env
  const unset = new Set<string>()
  process.env = new Proxy(original, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver)
      if (typeof key === 'string' && (value === undefined || value === '')) {
        if (readByProject(new Error().stack)) unset.add(key)
      }
      return value
    },
  })
  try {
    return [await load(), [...unset].sort()]
  } finally {
    process.env = original
  }
}

export interface LoadOptions {
  /** Type-check browser scripts too (vantage validate); they are always bundled. */
  typeCheck?: boolean
}

/**
 * Imports the file and returns its default export, unvalidated, and the warnings of
 * loading it. Browser checks come back prepared: scripts bundled, devices resolved
 * (browser-bundle.ts), since only this machine can read the script files.
 */
export async function importMonitors(
  file: string,
  options: LoadOptions = {},
): Promise<ImportedMonitors> {
  const path = resolve(file)
  if (!existsSync(path)) return { ok: false, errors: [`${file}: no such file`], warnings: [] }
  let module: { default?: unknown }
  let unsetVariables: string[]
  resolveOwnPackage()
  try {
    ;[module, unsetVariables] = await watchingEnvironment(
      async () =>
        (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown },
    )
  } catch (error) {
    return { ok: false, errors: [loadFailure(file, error)], warnings: [] }
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
      warnings: [],
    }
  }
  const warnings = channelWarnings(exported, unsetVariables)
  const prepared = await prepareBrowserChecks(exported, path)
  const checked = options.typeCheck
    ? await typeCheckScripts(prepared.scripts, dirname(path))
    : { errors: [], warnings: [] }
  warnings.push(...checked.warnings)
  const errors = [...prepared.errors, ...checked.errors]
  if (errors.length > 0) return { ok: false, errors, warnings }
  return { ok: true, input: prepared.input, warnings }
}

export async function loadMonitors(
  file: string,
  options: LoadOptions = {},
): Promise<LoadedMonitors> {
  const imported = await importMonitors(file, options)
  if (!imported.ok) return imported
  const outcome = validateMonitoring(imported.input)
  // An SLO that pages on one bad minute is valid, but worth saying before it pages.
  const slos = outcome.ok ? sloWarnings(outcome.config.slos ?? []) : []
  return { ...outcome, warnings: [...imported.warnings, ...slos] }
}

/** The warnings as printed: one `warning: ` line each. */
export function formatWarnings(warnings: string[], prefix = ''): string {
  return warnings.map((warning) => `${prefix}warning: ${warning}\n`).join('')
}
