/**
 * Turns a check's bundled script into the function a run calls. The bundle is
 * CommonJS (cli/browser-bundle.ts); it is compiled once per content hash and evaluated
 * anew for every run, so that module-level state of one run never reaches the next. It
 * may require Node's built-in modules and playwright-core (which the probe provides),
 * nothing else: its dependencies are inside it.
 */
import { builtinModules, createRequire } from 'node:module'
import { compileFunction } from 'node:vm'
import type { BundledScript } from '../../checks/specs/browser.ts'
import type { BrowserRunSpec } from '../../checks/browser/engine.ts'
import type { BrowserScriptContext } from '../../checks/browser/script-api.ts'
import { BUNDLE_PREFIX, ScriptLocator } from './script-errors.ts'

const ownRequire = createRequire(import.meta.url)
const BUILTINS = new Set(builtinModules)
/** Compiled scripts kept, newest last: a probe runs a handful of different scripts. */
const MAX_CACHED = 32

type ModuleFunction = (
  exports: Record<string, unknown>,
  require: (name: string) => unknown,
  module: { exports: Record<string, unknown> },
  __filename: string,
  __dirname: string,
) => void

export interface LoadedScript {
  run(context: BrowserScriptContext): Promise<unknown>
  locator: ScriptLocator
}

const cache = new Map<string, { compiled: ModuleFunction; locator: ScriptLocator }>()

function scriptRequire(name: string): unknown {
  const bare = name.startsWith('node:') ? name.slice(5) : name
  if (BUILTINS.has(bare)) return ownRequire(name)
  if (name === 'playwright-core' || name === 'playwright') return ownRequire('playwright-core')
  throw new Error(
    `a browser script cannot require "${name}" at run time: its dependencies are bundled when the monitors file loads, and only Node's built-in modules and playwright-core are provided`,
  )
}

function compiled(script: BundledScript) {
  const cached = cache.get(script.sha256)
  if (cached) return cached
  const filename = `${BUNDLE_PREFIX}${script.file}.js`
  const entry = {
    compiled: compileFunction(
      script.code,
      ['exports', 'require', 'module', '__filename', '__dirname'],
      { filename },
    ) as ModuleFunction,
    locator: new ScriptLocator(filename, script.map),
  }
  cache.set(script.sha256, entry)
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!)
  return entry
}

/**
 * The script ready to run. Evaluating the module happens inside `run`, so an error at
 * its top level is the run's SCRIPT_ERROR like any other.
 */
export function loadScript(script: BundledScript): LoadedScript {
  const { compiled: body, locator } = compiled(script)
  return {
    locator,
    async run(context) {
      const module = { exports: {} as Record<string, unknown> }
      body(module.exports, scriptRequire, module, `/${script.file}`, '/')
      const exported = module.exports.default
      if (typeof exported !== 'function') {
        throw new TypeError(
          `${script.file} must export a function as its default export, not ${typeof exported}`,
        )
      }
      return (exported as (context: BrowserScriptContext) => unknown)(context)
    },
  }
}

/**
 * The script's `secrets`: the listed names with their values from the hub. Reading a
 * name the check does not list, or one the hub had no value for, throws at once with
 * the reason, rather than typing `undefined` into a login form.
 */
export function secretsOf(spec: BrowserRunSpec): Readonly<Record<string, string>> {
  const values = spec.secretValues ?? {}
  const listed = new Set(spec.secrets)
  return new Proxy({} as Record<string, string>, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined
      if (!listed.has(name)) {
        throw new Error(
          `secrets.${name} is not listed in the check's secrets: add "${name}" to them`,
        )
      }
      const value = values[name]
      if (value === undefined) {
        throw new Error(
          `secrets.${name} has no value: the variable ${name} is not set in the environment of the hub that built the bundle`,
        )
      }
      return value
    },
    has: (_target, name) => typeof name === 'string' && listed.has(name),
    ownKeys: () => [...listed],
    getOwnPropertyDescriptor: (_target, name) =>
      typeof name === 'string' && listed.has(name)
        ? { enumerable: true, configurable: true, value: values[name] }
        : undefined,
  })
}
