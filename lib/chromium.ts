/**
 * Finds a Chromium to drive with playwright-core, in the order operators expect:
 * VANTAGE_CHROMIUM, then Playwright's own downloaded browser, then the Debian
 * binary and the usual system paths. Nothing is downloaded. A probe without a
 * browser simply advertises no browser capability.
 */
import { accessSync, constants } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

const SYSTEM_PATHS = [
  // Debian's real binary; /usr/bin/chromium is a shell wrapper around it.
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
]

/** Flags that keep a headless Chromium from calling home or stalling on first-run UI. */
export const CHROMIUM_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-gpu',
  // Running as root (containers, CI) needs this; the probe never browses untrusted content unasked.
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
]

function executable(path: string | undefined): path is string {
  if (!path) return false
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.VANTAGE_CHROMIUM)
    return executable(env.VANTAGE_CHROMIUM) ? env.VANTAGE_CHROMIUM : undefined
  let playwrightOwn: string | undefined
  try {
    playwrightOwn = chromium.executablePath()
  } catch {
    playwrightOwn = undefined
  }
  return [playwrightOwn, ...SYSTEM_PATHS].find(executable)
}

/** Launches headless Chromium, or throws with a message that says how to provide one. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium()
  if (!executablePath) {
    throw new Error(
      'no Chromium found: set VANTAGE_CHROMIUM or install one (Debian: apt-get install chromium)',
    )
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS })
}
