/**
 * The browser check kind: a Playwright script (a user journey) run in a real headless
 * Chromium on the probe. The monitors file names the script by path and a device by
 * name; the loader (cli/browser-bundle.ts) bundles the script with esbuild and resolves
 * the device before validation, so what the hub validates, signs and sends to probes is
 * the bundled code and the device's settings, never a path that only the deploying
 * machine could read.
 */
import { z } from 'zod'
import { isDuration, parseDuration } from '../duration.ts'
import { VITAL_NAMES, type VitalName } from '../browser/vitals.ts'
import { baseFields, durationSchema, regionFields } from './common.ts'
import type { CommonCheckProps, Duration } from './common-props.ts'
import { defineKind, type KindInput } from './kind.ts'

/** The bundled script and its source map may be this large together. */
export const MAX_SCRIPT_BYTES = 10 * 1024 * 1024
export const DEFAULT_BROWSER_TIMEOUT = '60s'
const MIN_TIMEOUT_MS = 5_000
const MAX_TIMEOUT_MS = 5 * 60_000
/**
 * A hung attempt is ended at its timeout and reported this soon after it, with the last
 * screenshot: the engine kills what did not stop by itself a second before.
 */
export const BROWSER_REPORT_GRACE_MS = 5_000
/** Attempts beyond the first; each is a whole run, so more would stretch one result too far. */
const MAX_RETRIES = 3
/** When a run records a Playwright trace; see BrowserProps.artifacts. */
export const TRACE_MODES = ['retry', 'always', 'never'] as const
export type TraceMode = (typeof TRACE_MODES)[number]
/** Environment variable names, as a shell would accept them. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * What the loader makes of `script: './journey.ts'`: the esbuild bundle (CommonJS, the
 * script and its pure-JS dependencies) with a source map, so errors name the script's
 * own lines.
 */
export const bundledScriptSchema = z.strictObject(
  {
    /** The script's path relative to the monitors file, as written, for messages. */
    file: z.string().min(1).max(300),
    /** The bundle: CommonJS whose default export is the journey function. */
    code: z.string().min(1),
    /** The source map of `code` (JSON), without the sources' contents. */
    map: z.string().optional(),
    /** SHA-256 of `code`, hex: probes cache the compiled script by it. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  },
  {
    error: (issue) =>
      typeof issue.input === 'string'
        ? `${JSON.stringify(issue.input)} is a path: load the monitors file with vantage (validate, test, deploy or hub --checks), which bundles the script`
        : undefined,
  },
)
export type BundledScript = z.infer<typeof bundledScriptSchema>

/** A Playwright device preset as the loader resolves it from its name. */
export const deviceSchema = z.strictObject(
  {
    name: z.string().min(1).max(100),
    userAgent: z.string().max(500),
    viewport: z.strictObject({ width: z.int().min(1), height: z.int().min(1) }),
    deviceScaleFactor: z.number().positive().max(10),
    isMobile: z.boolean(),
    hasTouch: z.boolean(),
  },
  {
    error: (issue) =>
      typeof issue.input === 'string'
        ? `${JSON.stringify(issue.input)} is a device name: load the monitors file with vantage, which resolves it`
        : undefined,
  },
)
export type BrowserDevice = z.infer<typeof deviceSchema>

const budgetSchema = z.strictObject({
  /** A duration for the timing vitals (`'2.5s'`), a plain number for CLS. */
  below: z.union([durationSchema, z.number().nonnegative()]),
  /** What a page over the budget makes the run. Default `degraded`. */
  status: z.enum(['degraded', 'down']).default('degraded'),
})

const budgetsShape = Object.fromEntries(
  VITAL_NAMES.map((name) => [name, budgetSchema.optional()]),
) as Record<VitalName, z.ZodOptional<typeof budgetSchema>>

const timeoutSchema = durationSchema
  .refine(
    (text) =>
      !isDuration(text) ||
      (parseDuration(text) >= MIN_TIMEOUT_MS && parseDuration(text) <= MAX_TIMEOUT_MS),
    {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is out of range: a browser run takes 5s to 5m`,
    },
  )
  .default(DEFAULT_BROWSER_TIMEOUT)

export const browserSpecSchema = z
  .strictObject({
    ...baseFields,
    ...regionFields,
    kind: z.literal('browser'),
    timeout: timeoutSchema,
    script: z.preprocess((value) => value, bundledScriptSchema),
    device: z.preprocess((value) => value, deviceSchema).optional(),
    viewport: z
      .strictObject({ width: z.int().min(100).max(4_000), height: z.int().min(100).max(4_000) })
      .optional(),
    locale: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: 'must be a locale like "en-GB"' })
      .optional(),
    timezone: z
      .string()
      .refine(isTimeZone, {
        error: (issue) =>
          `${JSON.stringify(issue.input)} is not an IANA time zone (e.g. "Europe/Paris")`,
      })
      .optional(),
    userAgent: z.string().min(1).max(500).optional(),
    headers: z
      .record(z.string().regex(HEADER_NAME), z.string(), {
        error: (issue) => (issue.code === 'invalid_key' ? 'is not a valid header name' : undefined),
      })
      .optional(),
    ignoreHTTPSErrors: z.boolean().default(false),
    retries: z.int().min(0).max(MAX_RETRIES).default(0),
    params: z
      .record(
        z.string().regex(ENV_NAME, { error: 'must be a name like BASE_URL' }),
        z.string().max(2_048),
      )
      .refine((params) => Object.keys(params).length <= 50, { error: 'at most 50 params' })
      .default({}),
    secrets: z
      .array(
        z
          .string()
          .regex(ENV_NAME, { error: 'must be an environment variable name like SHOP_PASSWORD' }),
      )
      .max(50)
      .default([]),
    /**
     * The secrets' values, filled in by the hub from its own environment when it builds
     * the bundle (checks/bundle.ts). Never in the config: a monitors file cannot set it.
     */
    secretValues: z.record(z.string(), z.string()).optional(),
    expect: z.strictObject(budgetsShape).default({}),
    artifacts: z
      .strictObject({
        /** When screenshots, the trace and the console log are kept. */
        when: z.enum(['failure', 'always', 'never']).default('failure'),
        /**
         * When a Playwright trace is recorded (traceModeOf): 'retry' is kept on the wire as
         * `true` and 'never' as `false`, the forms probes read before 'always' existed.
         */
        trace: z
          .union([z.boolean(), z.enum(TRACE_MODES)])
          .transform((mode) => (mode === 'retry' ? true : mode === 'never' ? false : mode))
          .default(true),
        /** Screenshots may be served without the API token (a public page may show them). */
        public: z.boolean().default(false),
      })
      .default({ when: 'failure', trace: true, public: false }),
  })
  .check((ctx) => {
    if (ctx.issues.length > 0) return
    const spec = ctx.value
    const size = spec.script.code.length + (spec.script.map?.length ?? 0)
    if (size > MAX_SCRIPT_BYTES) {
      ctx.issues.push({
        code: 'custom',
        path: ['script'],
        message: `the bundle of ${spec.script.file} is ${(size / 1_048_576).toFixed(1)} MiB, more than the 10 MiB a check may carry`,
        input: spec,
      })
    }
    if (spec.device && spec.viewport) {
      ctx.issues.push({
        code: 'custom',
        path: ['viewport'],
        message: 'set either device or viewport: a device brings its own viewport',
        input: spec,
      })
    }
    for (const name of VITAL_NAMES) {
      const budget = spec.expect[name]
      if (!budget) continue
      if (name === 'cls' ? typeof budget.below !== 'number' : typeof budget.below !== 'string') {
        ctx.issues.push({
          code: 'custom',
          path: ['expect', name, 'below'],
          message:
            name === 'cls'
              ? 'CLS has no unit: give a number such as 0.1'
              : `give a duration such as '2.5s', got ${JSON.stringify(budget.below)}`,
          input: spec,
        })
      }
    }
  })
export type BrowserSpec = z.infer<typeof browserSpecSchema>

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name })
    return true
  } catch {
    return false
  }
}

/** A web-vital budget: over it, the run is `degraded` (default) or `down`. */
export interface VitalBudget {
  /** A duration for LCP, FCP, TTFB, INP and TBT; a number for CLS. @example '2.5s' */
  below: Duration | number
  /** Default `degraded`. */
  status?: 'degraded' | 'down'
}

export interface BrowserProps extends CommonCheckProps {
  /**
   * The journey: a TypeScript or JavaScript file, relative to the monitors file, whose
   * default export is `async ({ page, context, expect, step, secrets }) => { ... }`.
   * Bundled with its pure-JS dependencies (at most 10 MiB) when the file is loaded.
   * @example './browser/checkout.ts'
   */
  script: string
  /** Hard limit for one attempt, 5s to 5m. Default `60s` (not `defaults.timeout`). */
  timeout?: Duration
  /** A Playwright device preset by name. Not with `viewport`. @example 'iPhone 13' */
  device?: string
  /** Default 1280×720. @example { width: 1440, height: 900 } */
  viewport?: { width: number; height: number }
  /** The browser's locale. Default: Chromium's. @example 'de-DE' */
  locale?: string
  /** IANA time zone. Default: the probe's. @example 'Europe/Berlin' */
  timezone?: string
  /** Default: Chromium's own (or the device's). */
  userAgent?: string
  /** Extra HTTP headers on every request the page makes. @example { 'x-synthetic': '1' } */
  headers?: Record<string, string>
  /** Accept invalid TLS certificates. Default `false`: only when asked. */
  ignoreHTTPSErrors?: boolean
  /**
   * Attempts after a failed one, 0 to 3, each in a fresh context. A run that passes only
   * on a retry is `degraded`, never `up`. Default 0.
   */
  retries?: number
  /**
   * Values the script reads as `params.NAME`: what differs between environments, such
   * as the site's base URL. Public like the rest of the check. @example { BASE_URL: 'https://shop.example.com' }
   */
  params?: Record<string, string>
  /**
   * Names of environment variables the script reads as `secrets.NAME`. Their values come
   * from the hub's environment when it builds the bundle (for `vantage test`, from this
   * machine's), never from the monitors file. @example ['SHOP_PASSWORD']
   */
  secrets?: string[]
  /**
   * Web-vital budgets over every page of the run. @example { lcp: { below: '2.5s' }, cls: { below: 0.1, status: 'down' } }
   */
  expect?: Partial<Record<VitalName, VitalBudget>>
  /**
   * Evidence: screenshots of failed steps and of the end, the Playwright trace and the
   * console log, sent to the hub apart from the result. Default `{ when: 'failure',
   * trace: 'retry', public: false }`.
   *
   * `trace`: `'retry'` (default) records no trace on a first attempt (a trace costs a run
   * about 100 ms of CPU); a failed run's retry records one, and a failed run without
   * a retry left is run once more, right after its result went out, to record the trace
   * that goes with its evidence (`rerun-trace.zip`). `'always'` traces every attempt (the
   * trace of the failed run itself), `'never'` none. `true`/`false` mean 'retry'/'never'.
   */
  artifacts?: {
    when?: 'failure' | 'always' | 'never'
    trace?: TraceMode | boolean
    public?: boolean
  }
}

/** A validated spec's trace mode; the wire carries 'retry' and 'never' as booleans. */
export function traceModeOf(artifacts: { trace: boolean | 'always' }): TraceMode {
  return artifacts.trace === 'always' ? 'always' : artifacts.trace ? 'retry' : 'never'
}

/**
 * A browser check: a Playwright user journey.
 * @example browser('checkout', { script: './browser/checkout.ts', every: '5m' })
 */
export function browser(id: string, props: BrowserProps): KindInput<'browser', BrowserProps> {
  return { kind: 'browser', id, ...props }
}

export const browserKind = defineKind({
  schema: browserSpecSchema,
  factory: browser,
  target: (spec) => spec.script.file,
  capability: 'browser',
  // Each attempt may run its timeout and its grace, after waiting for a free browser
  // slot for at most one timeout (the engine's bound on the queue).
  runLimitMs: (spec) => {
    const timeoutMs = parseDuration(spec.timeout)
    return (spec.retries + 1) * (timeoutMs + BROWSER_REPORT_GRACE_MS) + timeoutMs
  },
})
