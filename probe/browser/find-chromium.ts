/**
 * Where the probe's Chromium is, and how it is started. The order operators expect:
 * `VANTAGE_CHROMIUM`, then the browser Playwright downloaded itself (if someone ran
 * `playwright install`; Vantage never downloads one), then the distribution's binary
 * and the usual system paths. Nothing found means no browser capability, not a crash.
 */
import { accessSync, constants, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

const SYSTEM_PATHS = [
  // Debian's real binary; /usr/bin/chromium is a shell wrapper around it.
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
]

/**
 * Flags for a headless Chromium that runs unattended: it must not call home, update
 * itself or stop at first-run screens, and has no GPU to use.
 */
export function chromiumArgs(isRoot = process.getuid?.() === 0): string[] {
  return [
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    // The GPU (software only here) inside the browser process: a process of its own
    // holds its own copy of Chromium's resident pages, about 75 MiB of RSS. A crash of
    // it is then the browser's crash, which a run reports as BROWSER_CRASH and the pool
    // recovers from like any other.
    '--in-process-gpu',
    // Chromium's sandbox needs user namespaces that root in a container rarely has, and
    // refuses to start as root with it. The probe only loads the pages its checks name.
    ...(isRoot ? ['--no-sandbox'] : []),
  ]
}

function executable(path: string | undefined): path is string {
  if (!path) return false
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Where `playwright install chromium` puts its browser, worked out as playwright-core's
 * registry does (its cache directory, `PLAYWRIGHT_BROWSERS_PATH`, the revision in its
 * `browsers.json`) without loading playwright-core itself: that would cost the probe's
 * own thread some 70 MiB for one path. The path need not exist.
 */
export function playwrightOwnChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    const require = createRequire(import.meta.url)
    const browsersJson = require
      .resolve('playwright-core/package.json')
      .replace(/package\.json$/, 'browsers.json')
    const { browsers } = JSON.parse(readFileSync(browsersJson, 'utf8')) as {
      browsers: Array<{ name: string; revision: string }>
    }
    const revision = browsers.find((browser) => browser.name === 'chromium')?.revision
    if (!revision || process.platform !== 'linux') return undefined
    const wanted = env.PLAYWRIGHT_BROWSERS_PATH
    const root =
      wanted === '0'
        ? join(dirname(browsersJson), '.local-browsers')
        : wanted
          ? resolve(wanted)
          : join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ms-playwright')
    const folder = process.arch === 'arm64' ? 'chrome-linux-arm64' : 'chrome-linux64'
    return join(root, `chromium-${revision}`, folder, 'chrome')
  } catch {
    return undefined
  }
}

export interface ChromiumLocation {
  path: string
  /** Which rule found it, for the probe's start line. */
  source: 'VANTAGE_CHROMIUM' | 'playwright' | 'system'
}

/**
 * Finds a Chromium, or says why there is none. `VANTAGE_CHROMIUM` that names no
 * executable is an error of its own: the operator asked for that binary.
 * @example findChromium() // { ok: true, location: { path: '/usr/lib/chromium/chromium', source: 'system' } }
 */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  candidates: { playwright?: string; system?: readonly string[] } = {},
): { ok: true; location: ChromiumLocation } | { ok: false; reason: string } {
  const wanted = env.VANTAGE_CHROMIUM
  if (wanted) {
    return executable(wanted)
      ? { ok: true, location: { path: wanted, source: 'VANTAGE_CHROMIUM' } }
      : { ok: false, reason: `VANTAGE_CHROMIUM=${wanted} is not an executable file` }
  }
  const own = 'playwright' in candidates ? candidates.playwright : playwrightOwnChromium()
  if (executable(own)) return { ok: true, location: { path: own, source: 'playwright' } }
  const system = (candidates.system ?? SYSTEM_PATHS).find(executable)
  if (system) return { ok: true, location: { path: system, source: 'system' } }
  return {
    ok: false,
    reason:
      'no Chromium found: set VANTAGE_CHROMIUM or install one (Debian: apt-get install chromium)',
  }
}
