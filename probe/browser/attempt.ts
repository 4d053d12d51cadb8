/**
 * One attempt of a browser check, inside a run worker (run-worker.ts): a fresh
 * BrowserContext with the check's options, the script called with its page, context,
 * expect, step and secrets, a deadline of its own, and the evidence: a screenshot per
 * failed step and at the end, the Playwright trace and the console log, written to the
 * run's folder. Never throws; a failure becomes an error code (script-errors.ts).
 */
import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import type { BrowserAttemptOutcome, BrowserRunSpec } from '../../checks/browser/engine.ts'
import {
  MAX_REPORTED_STEPS,
  type ArtifactFile,
  type StepReport,
} from '../../checks/browser/browser-result.ts'
import { formatDuration } from '../../checks/duration.ts'
import { expect } from './expect.ts'
import { PageWatch } from './page-watch.ts'
import { loadScript, secretsOf } from './script-module.ts'
import { classifyFailure, firstLine } from './script-errors.ts'
import { captureScreenshot } from './screenshot.ts'

export interface AttemptRequest {
  spec: BrowserRunSpec
  attempt: number
  /** Record a Playwright trace (the engine's request decides; see checks/runners/browser.ts). */
  trace: boolean
  timeoutMs: number
  /** Where this attempt writes its artifacts. */
  dir: string
}

export interface AttemptHooks {
  step(name: string | undefined): void
  page(targetId: string): void
}

export type AttemptResult = BrowserAttemptOutcome & { files: ArtifactFile[] }

/** How long the end's evidence (screenshot, vitals, trace) may take before it is left out. */
const EVIDENCE_TIMEOUT_MS = 2_000

/** A step name as a file name: `Log in` -> `log-in`. */
function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'step'
  )
}

export function contextOptions(spec: BrowserRunSpec): BrowserContextOptions {
  const options: BrowserContextOptions = { ignoreHTTPSErrors: spec.ignoreHTTPSErrors }
  if (spec.device) {
    const { name: _name, ...device } = spec.device
    Object.assign(options, device)
  }
  if (spec.viewport) options.viewport = spec.viewport
  if (spec.locale) options.locale = spec.locale
  if (spec.timezone) options.timezoneId = spec.timezone
  if (spec.userAgent) options.userAgent = spec.userAgent
  if (spec.headers) options.extraHTTPHeaders = spec.headers
  return options
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([
    work.catch(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref()),
  ])
}

export async function runAttempt(
  browser: Browser,
  request: AttemptRequest,
  hooks: AttemptHooks,
): Promise<AttemptResult> {
  const { spec, dir } = request
  const prefix = request.attempt > 1 ? `a${request.attempt}-` : ''
  const evidence = spec.artifacts.when !== 'never'
  const files: ArtifactFile[] = []
  const steps: StepReport[] = []
  let moreSteps = 0
  const secretValues = Object.values(spec.secretValues ?? {}).filter((value) => value.length >= 4)
  const redact = (text: string) =>
    secretValues.reduce((out, secret) => out.split(secret).join('[secret]'), text)

  let browserGone: string | undefined
  const onDisconnect = () => {
    browserGone = 'the browser exited in the middle of the run (crash or killed)'
  }
  browser.once('disconnected', onDisconnect)

  let context: BrowserContext
  try {
    context = await browser.newContext(contextOptions(spec))
  } catch (error) {
    browser.off('disconnected', onDisconnect)
    return {
      status: 'inconclusive',
      error: {
        code: 'BROWSER_CRASH',
        message: `the browser could not open a context: ${firstLine(error)}`,
      },
      assertions: [],
      report: emptyReport(),
      files,
    }
  }
  context.setDefaultTimeout(request.timeoutMs)
  context.setDefaultNavigationTimeout(request.timeoutMs)
  const watch = new PageWatch(context, { page: hooks.page }, redact)
  const trace = evidence && request.trace
  const stepStack: string[] = []
  let currentStep: string | undefined
  let thrown: unknown
  let timedOut = false
  let timer: NodeJS.Timeout | undefined
  /** Set once the script is over (or given up on): a step that settles later records nothing. */
  let finished = false

  const screenshot = async (page: Page | undefined, name: string): Promise<void> => {
    if (!evidence || !page) return
    const png = await withTimeout(
      captureScreenshot(context, page, EVIDENCE_TIMEOUT_MS),
      EVIDENCE_TIMEOUT_MS,
    )
    if (!png) return
    writeFileSync(join(dir, name), png)
    files.push({ name, type: 'screenshot', bytes: png.length })
  }

  const failedSteps = new WeakSet<object>()
  const step = async <T>(name: string, body: () => Promise<T> | T): Promise<T> => {
    const full = [...stepStack, name].join(' › ')
    stepStack.push(name)
    currentStep = full
    hooks.step(full)
    const begin = performance.now()
    const record = (status: StepReport['status'], shot?: string) => {
      if (finished) return
      if (steps.length >= MAX_REPORTED_STEPS) moreSteps += 1
      else
        steps.push({
          name: full.slice(0, 120),
          durationMs: Math.round(performance.now() - begin),
          status,
          ...(shot ? { screenshot: shot } : {}),
        })
    }
    try {
      const value = await body()
      record('passed')
      return value
    } catch (error) {
      // The innermost failing step takes the screenshot; its parents only fail.
      const key = typeof error === 'object' && error !== null ? error : { error }
      let shot: string | undefined
      if (!failedSteps.has(key) && !finished) {
        failedSteps.add(key)
        shot = `${prefix}step-${steps.length + moreSteps + 1}-${slug(name)}.png`
        await screenshot(watch.lastPage(), shot)
        if (!files.some((file) => file.name === shot)) shot = undefined
      }
      record('failed', shot)
      throw error
    } finally {
      stepStack.pop()
      currentStep = stepStack.length > 0 ? stepStack.join(' › ') : undefined
      hooks.step(currentStep)
    }
  }

  let page: Page | undefined
  try {
    await watch.install()
    if (trace) await context.tracing.start({ snapshots: true, screenshots: false, sources: false })
    page = await context.newPage()
    const script = loadScript(spec.script)
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true
        reject(new Error('deadline'))
      }, request.timeoutMs)
    })
    await Promise.race([
      Promise.resolve().then(() =>
        script.run({
          page: page!,
          context,
          expect,
          step,
          params: Object.freeze({ ...spec.params }),
          secrets: secretsOf(spec),
        }),
      ),
      deadline,
    ])
  } catch (error) {
    thrown = error
  } finally {
    finished = true
    clearTimeout(timer)
    browser.off('disconnected', onDisconnect)
  }

  // A failure the lost connection caused may settle before its 'disconnected' event.
  const crashed =
    browserGone ??
    watch.crashed ??
    (browser.isConnected()
      ? undefined
      : 'the browser exited in the middle of the run (crash or killed)')
  const failed = thrown !== undefined || timedOut || !!crashed || !!watch.navigationError
  if (timedOut && currentStep && steps.length < MAX_REPORTED_STEPS) {
    steps.push({ name: currentStep.slice(0, 120), durationMs: 0, status: 'failed' })
  }
  const keep = evidence && (failed || spec.artifacts.when === 'always')
  if (!crashed) {
    if (keep) await screenshot(watch.lastPage() ?? page, `${prefix}final.png`)
    await watch.flush(EVIDENCE_TIMEOUT_MS)
    if (trace) {
      // Written even when this attempt passed: a retry that passed is the trace its failed
      // run keeps. The run's verdict decides what stays (BrowserEngine.settle).
      const path = join(dir, `${prefix}trace.zip`)
      const stopped = await withTimeout(
        context.tracing.stop({ path }).then(() => true),
        EVIDENCE_TIMEOUT_MS * 2,
      )
      if (stopped) files.push({ name: `${prefix}trace.zip`, type: 'trace', bytes: sizeOf(path) })
    }
  }
  const log = watch.logText()
  if (keep && log) {
    writeFileSync(join(dir, `${prefix}console.log`), log)
    files.push({ name: `${prefix}console.log`, type: 'log', bytes: Buffer.byteLength(log) })
  }
  await withTimeout(context.close(), EVIDENCE_TIMEOUT_MS)

  const report = { steps, ...(moreSteps > 0 ? { moreSteps } : {}), ...watch.report() }
  if (!failed) return { status: 'up', assertions: [], report, files }
  const failure = classifyFailure(thrown, {
    step: currentStep ?? steps.findLast((s) => s.status === 'failed')?.name,
    timedOut,
    timeoutText: formatDuration(request.timeoutMs),
    crashed,
    navigationError: watch.navigationError,
    locator: loadScript(spec.script).locator,
  })
  return { ...failure, report, files }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

export function emptyReport(): AttemptResult['report'] {
  return {
    steps: [],
    pages: [],
    console: { errors: 0, pageErrors: 0, first: [] },
    requests: { total: 0, failed: 0, firstFailed: [], transferBytes: 0 },
  }
}
