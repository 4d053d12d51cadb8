/**
 * The one wrapper around every runner: it stamps the id and times, enforces the hard
 * timeout, and turns whatever the runner did into a valid CheckResult. Runners only
 * do what is particular to their kind (see runners/types.ts).
 */
import { performance } from 'node:perf_hooks'
import { z } from 'zod'
import { ulid } from '../lib/ulid.ts'
import type { BrowserEngine } from './browser/engine.ts'
import type { ProbeCheck } from './bundle.ts'
import { parseDuration } from './duration.ts'
import { runLimitOf } from './kinds.ts'
import { checkResultSchema, ERROR_CODES, type CheckResult } from './result.ts'
import { runners as defaultRunners } from './runners/index.ts'
import type { RunContext, RunnerRegistry, RunOutcome } from './runners/types.ts'
import {
  runsOnProbes,
  type CheckSpec,
  type ProbeKind,
  type ProbeSpec,
  type SpecOf,
} from './spec.ts'

export interface RunCheckOptions {
  probeId: string
  region: string
  /** The bundle version the check came from, stamped on the result. */
  configVersion: string
  /** When the run was due (epoch ms), as the scheduler computed it. */
  scheduledAt: number
  trigger: CheckResult['trigger']
  /** Epoch clock for `startedAt` and the id. Default `Date.now`. */
  now?: () => number
  /** The runners to use. Default: the built-in registry. */
  runners?: RunnerRegistry
  /** The probe's browser engine for browser checks; without it they are CAPABILITY_MISSING. */
  browser?: BrowserEngine
}

function bug(message: string): RunOutcome {
  return {
    status: 'inconclusive',
    error: { code: ERROR_CODES.RUNNER_BUG, message },
    assertions: [],
  }
}

/** The outcome for a kind that only the hub watches, such as a heartbeat. */
function hubOnly(kind: CheckSpec['kind']): RunOutcome {
  return {
    status: 'inconclusive',
    error: {
      code: ERROR_CODES.CAPABILITY_MISSING,
      message: `"${kind}" checks are watched by the hub, not run by probes`,
    },
    assertions: [],
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

/** Calls the runner of `kind`; the generic keeps the spec and its runner of one kind together. */
function invoke<K extends ProbeKind>(
  registry: RunnerRegistry,
  kind: K,
  spec: SpecOf<K>,
  ctx: RunContext,
): Promise<RunOutcome> {
  return registry[kind](spec, ctx)
}

/**
 * Runs the runner, or gives up at the timeout. The runner gets the abort signal and
 * should stop, but the wrapper returns at the timeout even if it does not.
 */
async function outcomeWithin(
  check: ProbeSpec,
  registry: RunnerRegistry,
  ctx: RunContext,
  controller: AbortController,
): Promise<RunOutcome> {
  const timeoutMs = runLimitOf(check) ?? parseDuration(check.timeout)
  const timedOut: RunOutcome = {
    status: 'down',
    error: { code: ERROR_CODES.TIMEOUT, message: `no result within the ${check.timeout} timeout` },
    assertions: [],
  }
  if (!registry[check.kind]) {
    return {
      status: 'inconclusive',
      error: {
        code: ERROR_CODES.CAPABILITY_MISSING,
        message: `this probe has no runner for "${check.kind}" checks; update the probe`,
      },
      assertions: [],
    }
  }
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<RunOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`timeout of ${check.timeout} reached`))
      resolve(timedOut)
    }, timeoutMs)
  })
  // A throw, sync or async, is a bug in our code, not the target being down.
  const running = Promise.resolve()
    .then(() => invoke(registry, check.kind, check, ctx))
    .catch((error: unknown) => bug(`${check.kind} runner threw ${describeError(error)}`))
  try {
    const outcome = await Promise.race([running, deadline])
    // Whatever arrived once the timeout fired was cut short by the abort.
    return controller.signal.aborted ? timedOut : outcome
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Runs one check and returns its result; never throws. The result is `down` with
 * TIMEOUT past `spec.timeout`, `inconclusive` with RUNNER_BUG when the runner threw
 * or returned something that is not a valid result, and otherwise the runner's verdict.
 *
 * `startedAt` comes from `now` (the epoch clock, injectable); `durationMs` from the
 * monotonic clock, so that a clock step during a run cannot make it negative.
 * @example
 * const result = await runCheck(check, { probeId: 'eu-1', region: 'eu-west', configVersion: '7-ab12cd34', scheduledAt, trigger: 'schedule' })
 */
export async function runCheck(
  spec: ProbeCheck | CheckSpec,
  opts: RunCheckOptions,
): Promise<CheckResult> {
  const now = opts.now ?? Date.now
  // A ProbeCheck is a CheckSpec without the optional notify routing, which runners never read.
  const check: CheckSpec = spec
  const controller = new AbortController()
  const startedAt = now()
  const id = ulid(startedAt)
  const ctx: RunContext = {
    signal: controller.signal,
    probeId: opts.probeId,
    region: opts.region,
    now,
    resultId: id,
    browser: opts.browser,
  }
  const startedMono = performance.now()
  let outcome: RunOutcome
  try {
    // Bundles carry no heartbeats; this keeps a hand-made call from reaching a missing runner.
    outcome = runsOnProbes(check)
      ? await outcomeWithin(check, opts.runners ?? defaultRunners, ctx, controller)
      : hubOnly(check.kind)
  } catch (error) {
    outcome = bug(`running ${check.kind} check failed: ${describeError(error)}`)
  }
  const durationMs = Math.round((performance.now() - startedMono) * 1_000) / 1_000

  const stamp = {
    id,
    checkId: check.id,
    kind: check.kind,
    configVersion: opts.configVersion,
    probeId: opts.probeId,
    region: opts.region,
    scheduledAt: opts.scheduledAt,
    startedAt,
    durationMs,
    trigger: opts.trigger,
  }
  const result = checkResultSchema.safeParse({ ...stamp, ...outcome })
  if (result.success) return result.data
  return {
    ...stamp,
    ...bug(`${check.kind} runner returned an invalid result: ${z.prettifyError(result.error)}`),
  }
}
