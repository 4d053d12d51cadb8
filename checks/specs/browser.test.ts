import { describe, expect, it } from 'vitest'
import { validateMonitoring } from '../validate.ts'
import { browser, traceModeOf } from './browser.ts'

const script = {
  file: 'browser/home.ts',
  code: 'exports.default = async () => {}',
  sha256: 'a'.repeat(64),
}

function errorsOf(check: object, defaults: Record<string, unknown> = {}) {
  const outcome = validateMonitoring({
    defaults: { regions: ['eu-west'], ...defaults },
    checks: [check],
  })
  return outcome.ok ? [] : outcome.errors
}

describe('browser check validation', () => {
  it('fills in the defaults: 60s timeout (not defaults.timeout), no retries, artifacts on failure', () => {
    const outcome = validateMonitoring({
      defaults: { regions: ['eu-west'], timeout: '10s' },
      checks: [{ kind: 'browser', id: 'home', script }],
    })
    expect(outcome.ok).toBe(true)
    if (!outcome.ok) return
    expect(outcome.config.checks[0]).toMatchObject({
      kind: 'browser',
      timeout: '60s',
      retries: 0,
      ignoreHTTPSErrors: false,
      secrets: [],
      artifacts: { when: 'failure', trace: true, public: false },
    })
  })

  it("takes trace 'retry', 'always' or 'never', and carries 'retry' and 'never' as the booleans older probes read", () => {
    const traceOf = (trace: unknown) => {
      const outcome = validateMonitoring({
        defaults: { regions: ['eu-west'] },
        checks: [{ kind: 'browser', id: 'home', script, artifacts: { trace } }],
      })
      if (!outcome.ok) return outcome.errors
      const check = outcome.config.checks[0] as { artifacts: { trace: boolean | 'always' } }
      return [check.artifacts.trace, traceModeOf(check.artifacts)]
    }
    expect(traceOf(undefined)).toEqual([true, 'retry'])
    expect(traceOf('retry')).toEqual([true, 'retry'])
    expect(traceOf('always')).toEqual(['always', 'always'])
    expect(traceOf('never')).toEqual([false, 'never'])
    expect(traceOf(false)).toEqual([false, 'never'])
    expect(traceOf('sometimes')).toEqual([
      expect.stringMatching(/^checks\[0\]\.artifacts\.trace: /),
    ])
  })

  it('says a script path must be loaded by vantage, which bundles it', () => {
    expect(errorsOf(browser('home', { script: './home.ts' }))).toEqual([
      expect.stringMatching(
        /^checks\[0\]\.script: "\.\/home\.ts" is a path: load the monitors file with vantage/,
      ),
    ])
  })

  it('keeps the timeout between 5s and 5m and the retries at 3', () => {
    expect(errorsOf({ kind: 'browser', id: 'a', script, timeout: '2s' })).toEqual([
      'checks[0].timeout: "2s" is out of range: a browser run takes 5s to 5m',
    ])
    expect(errorsOf({ kind: 'browser', id: 'a', script, timeout: '10m' })).toHaveLength(1)
    expect(errorsOf({ kind: 'browser', id: 'a', script, retries: 4 })).toEqual([
      expect.stringMatching(/^checks\[0\]\.retries: /),
    ])
  })

  it('refuses a device with a viewport, a bad time zone, a budget without its unit', () => {
    const device = {
      name: 'Pixel 7',
      userAgent: 'x',
      viewport: { width: 412, height: 839 },
      deviceScaleFactor: 2.625,
      isMobile: true,
      hasTouch: true,
    }
    expect(
      errorsOf({ kind: 'browser', id: 'a', script, device, viewport: { width: 800, height: 600 } }),
    ).toEqual([
      'checks[0].viewport: set either device or viewport: a device brings its own viewport',
    ])
    expect(errorsOf({ kind: 'browser', id: 'a', script, timezone: 'Mars/Olympus' })).toEqual([
      'checks[0].timezone: "Mars/Olympus" is not an IANA time zone (e.g. "Europe/Paris")',
    ])
    expect(
      errorsOf({ kind: 'browser', id: 'a', script, expect: { cls: { below: '1s' } } }),
    ).toEqual(['checks[0].expect.cls.below: CLS has no unit: give a number such as 0.1'])
    expect(errorsOf({ kind: 'browser', id: 'a', script, expect: { lcp: { below: 2 } } })).toEqual([
      "checks[0].expect.lcp.below: give a duration such as '2.5s', got 2",
    ])
  })

  it('takes secrets by environment variable name only', () => {
    expect(errorsOf({ kind: 'browser', id: 'a', script, secrets: ['shop password'] })).toEqual([
      'checks[0].secrets[0]: must be an environment variable name like SHOP_PASSWORD',
    ])
  })

  it('refuses a bundle over 10 MiB', () => {
    const big = { ...script, code: 'x'.repeat(10 * 1024 * 1024 + 1) }
    expect(errorsOf({ kind: 'browser', id: 'a', script: big })).toEqual([
      expect.stringMatching(
        /^checks\[0\]\.script: the bundle of browser\/home\.ts is 10\.0 MiB, more than the 10 MiB/,
      ),
    ])
  })
})
