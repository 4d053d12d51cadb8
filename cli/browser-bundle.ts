/**
 * Prepares the browser checks of a monitors file as it loads: each `script` path
 * becomes an esbuild bundle (the script and its pure-JS dependencies, CommonJS, with a
 * source map so that errors name the script's own lines), and each `device` name
 * becomes that Playwright preset's settings. What the hub validates and signs is then
 * the code itself, so a probe runs exactly what was validated and a tampered script is
 * rejected like any tampered check. `vantage validate` also type-checks the scripts
 * (script-typecheck.ts).
 *
 * Errors come back as lines with the check's path and the script's file:line, like
 * every other validation error.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { build, type Message, type Plugin } from 'esbuild'
import {
  MAX_SCRIPT_BYTES,
  type BrowserDevice,
  type BundledScript,
} from '../checks/specs/browser.ts'

/** The names a script may import types from; nothing of Vantage runs inside a probe's script. */
const OWN_PACKAGE = /^vantage(-monitoring)?$/
/** Provided by the probe at run time, never bundled. */
const PROVIDED = ['playwright-core', 'playwright']

export interface PreparedChecks {
  /** The input with scripts bundled and devices resolved. */
  input: unknown
  errors: string[]
  /** Absolute paths of the scripts, for the type-check. */
  scripts: { path: string; where: string }[]
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** `file:line:col: text`, relative to the monitors file's folder. */
function formatMessage(message: Message, base: string): string {
  const at = message.location
  if (!at) return message.text
  const file = relative(base, resolve(base, at.file)) || at.file
  return `${file}:${at.line}:${at.column + 1}: ${message.text}`
}

const guardImports: Plugin = {
  name: 'vantage-script-imports',
  setup(builder) {
    builder.onResolve({ filter: OWN_PACKAGE }, (args) => ({
      errors: [
        {
          text:
            `"${args.path}" cannot be imported at run time: a browser script runs on probes, ` +
            "where only its own bundle exists. Import its types only: import type { BrowserScript } from 'vantage'",
        },
      ],
    }))
    builder.onResolve({ filter: /^@playwright\/test$/ }, () => ({
      errors: [
        {
          text: "@playwright/test is not available to browser checks: use the `expect` and `step` your script's function is given",
        },
      ],
    }))
  },
}

/**
 * Bundles one script. `file` is as the check wrote it; `base` is the monitors file's
 * folder. Returns the bundle, or error lines.
 */
export async function bundleScript(
  file: string,
  base: string,
): Promise<{ ok: true; script: BundledScript } | { ok: false; errors: string[] }> {
  const path = resolve(base, file)
  const shown = relative(base, path).split('\\').join('/')
  if (!existsSync(path))
    return { ok: false, errors: [`${shown}: no such file (looked at ${path})`] }
  const shared = {
    entryPoints: [path],
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    write: false,
    logLevel: 'silent' as const,
    external: PROVIDED,
    plugins: [guardImports],
    absWorkingDir: base,
  }
  try {
    const [cjs, esm] = await Promise.all([
      build({
        ...shared,
        format: 'cjs',
        outfile: join(base, 'vantage-script.js'),
        sourcemap: 'external',
        sourcesContent: false,
      }),
      // Only to learn the module's exports: the CommonJS output does not list them.
      build({ ...shared, format: 'esm', outdir: join(base, '.vantage-esm'), metafile: true }),
    ])
    const exports = Object.values(esm.metafile.outputs).flatMap((output) => output.exports)
    if (!exports.includes('default')) {
      return {
        ok: false,
        errors: [
          `${shown}: has no default export; a browser script exports its journey: export default (async ({ page, expect, step }) => { ... }) satisfies BrowserScript`,
        ],
      }
    }
    const code = (cjs.outputFiles ?? []).find((out) => out.path.endsWith('.js'))?.text ?? ''
    const map = (cjs.outputFiles ?? []).find((out) => out.path.endsWith('.map'))?.text
    const size = Buffer.byteLength(code) + (map ? Buffer.byteLength(map) : 0)
    if (size > MAX_SCRIPT_BYTES) {
      return {
        ok: false,
        errors: [
          `${shown}: its bundle is ${(size / 1_048_576).toFixed(1)} MiB with its source map, more than the 10 MiB a check may carry (bundle fewer dependencies)`,
        ],
      }
    }
    const sha256 = createHash('sha256').update(code).digest('hex')
    return { ok: true, script: { file: shown, code, ...(map ? { map } : {}), sha256 } }
  } catch (error) {
    const failure = error as { errors?: Message[]; message?: string }
    const lines = failure.errors?.map((message) => formatMessage(message, base)) ?? [
      String(failure.message ?? error),
    ]
    return { ok: false, errors: lines }
  }
}

let devicesCache: Record<string, Record<string, unknown>> | undefined

/** Playwright's device presets, loaded on first use: playwright-core takes a second to load. */
function devices(): Record<string, Record<string, unknown>> {
  if (!devicesCache) {
    const require = createRequire(import.meta.url)
    devicesCache = (require('playwright-core') as { devices: typeof devicesCache }).devices!
  }
  return devicesCache
}

/** A device preset by name, or the error line. */
export function resolveDevice(
  name: string,
): { ok: true; device: BrowserDevice } | { ok: false; error: string } {
  const preset = devices()[name]
  if (!preset) {
    const lower = name.toLowerCase()
    const close = Object.keys(devices())
      .filter((known) => known.toLowerCase().includes(lower.split(' ')[0] ?? lower))
      .slice(0, 5)
    const hint = close.length > 0 ? close : ['iPhone 13', 'Pixel 7', 'Desktop Chrome']
    return {
      ok: false,
      error: `unknown device ${JSON.stringify(name)}; Playwright's presets include ${hint.map((n) => JSON.stringify(n)).join(', ')}`,
    }
  }
  const { userAgent, viewport, deviceScaleFactor, isMobile, hasTouch } = preset as BrowserDevice
  return {
    ok: true,
    device: { name, userAgent, viewport, deviceScaleFactor, isMobile, hasTouch },
  }
}

/**
 * Bundles the script and resolves the device of every browser check in `input`, the
 * monitors file's default export; other checks pass through untouched. A check that is
 * already prepared (an upload to the hub) is left as it is.
 */
export async function prepareBrowserChecks(
  input: unknown,
  monitorsFile: string,
): Promise<PreparedChecks> {
  const base = dirname(resolve(monitorsFile))
  if (!isObject(input) || !Array.isArray(input.checks)) return { input, errors: [], scripts: [] }
  const errors: string[] = []
  const scripts: PreparedChecks['scripts'] = []
  const checks = await Promise.all(
    input.checks.map(async (check: unknown, index) => {
      if (!isObject(check) || check.kind !== 'browser') return check
      const prepared: Record<string, unknown> = { ...check }
      const where = `checks[${index}]`
      if (check.secretValues !== undefined) {
        errors.push(
          `${where}.secretValues: is filled in by the hub from its environment; list the variables' names in secrets instead`,
        )
      }
      if (typeof check.script === 'string') {
        const bundled = await bundleScript(check.script, base)
        if (bundled.ok) {
          prepared.script = bundled.script
          scripts.push({ path: resolve(base, check.script), where: `${where}.script` })
        } else {
          errors.push(...bundled.errors.map((line) => `${where}.script: ${line}`))
        }
      }
      if (typeof check.device === 'string') {
        const device = resolveDevice(check.device)
        if (device.ok) prepared.device = device.device
        else errors.push(`${where}.device: ${device.error}`)
      }
      return prepared
    }),
  )
  return { input: { ...input, checks }, errors, scripts }
}
