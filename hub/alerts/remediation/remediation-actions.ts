/**
 * Running one remediation action, a webhook POST or an allow-listed command, and
 * describing what happened as a timeline entry that never holds a URL or a token.
 */
import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { formatDuration } from '../../../checks/duration.ts'
import type { RemediationAction } from '../../../checks/specs/common.ts'
import { postJson } from '../../../lib/http-delivery.ts'
import type { CommandRun, RemediationCommand } from './remediation-commands.ts'

/** A remediation webhook answers quickly or not at all; it should start work, not finish it. */
export const WEBHOOK_TIMEOUT_MS = 10_000

/** Output kept on the timeline: the last lines, where a failing script says why. */
export const MAX_TIMELINE_OUTPUT_BYTES = 1024

/** Runs one allow-listed command; see runRemediationCommand for the default. */
export type RunCommand = (
  command: RemediationCommand,
  env: Record<string, string>,
  signal: AbortSignal,
) => Promise<CommandRun>

/** What a timeline 'remediation' entry holds. */
export interface RemediationEntry {
  /** `webhook <host>` or `command <name>`: what a reader needs, never a URL that may hold a token. */
  action: string
  /** Names the action across restarts without storing its URL (see actionIdOf). */
  actionId: string
  /** 1 for the first run of this action in the incident. */
  attempt: number
  outcome: 'ok' | 'failed' | 'skipped'
  status?: number
  exitCode?: number | null
  durationMs?: number
  output?: string
  error?: string
  /** Why it was skipped or failed: 'cooldown', 'attempt limit', 'timeout'. */
  reason?: string
}

/** A short stable id: the webhook URL or command name hashed, so a token in a URL stays off the timeline. */
export function actionIdOf(action: RemediationAction): string {
  const what = action.webhook ? `webhook ${action.webhook}` : `command ${action.command}`
  return createHash('sha256').update(what).digest('hex').slice(0, 12)
}

/** How the timeline and the logs name an action. */
export function actionLabel(action: RemediationAction): string {
  return action.webhook ? `webhook ${new URL(action.webhook).host}` : `command ${action.command}`
}

/** The end of `text`, at most MAX_TIMELINE_OUTPUT_BYTES of UTF-8, marked with … when cut. */
export function timelineOutput(text: string): string {
  const trimmed = text.trim()
  const bytes = Buffer.from(trimmed)
  if (bytes.length <= MAX_TIMELINE_OUTPUT_BYTES) return trimmed
  const marker = '…'
  const tail = bytes.subarray(
    bytes.length - (MAX_TIMELINE_OUTPUT_BYTES - Buffer.byteLength(marker)),
  )
  // A cut through a multi-byte character decodes as U+FFFD; drop it rather than show it.
  return marker + tail.toString('utf8').replace(/^\uFFFD+/, '')
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** What the action needs to know about its incident. */
export interface ActionContext {
  attempt: number
  /** The webhook's JSON body. */
  webhookBody: () => unknown
  /** The environment a command gets: which check, incident and attempt it runs for. */
  env: Record<string, string>
  commands: ReadonlyMap<string, RemediationCommand>
  runCommand: RunCommand
  signal: AbortSignal
}

/** Runs `action` once; `ran` is false when nothing was started (so nothing needs confirming). */
export async function runAction(
  action: RemediationAction,
  context: ActionContext,
): Promise<{ entry: RemediationEntry; ran: boolean }> {
  const { attempt, signal } = context
  const base = { action: actionLabel(action), actionId: actionIdOf(action), attempt }
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  if (action.webhook) {
    const outcome = await postJson(
      action.webhook,
      JSON.stringify(context.webhookBody()),
      action.headers ?? {},
      { signal, timeoutMs: WEBHOOK_TIMEOUT_MS },
      [action.webhook, ...Object.values(action.headers ?? {})],
    )
    const entry: RemediationEntry = {
      ...base,
      outcome: outcome.ok ? 'ok' : 'failed',
      durationMs: elapsed(),
    }
    if (outcome.status !== undefined) entry.status = outcome.status
    if (outcome.error !== undefined) entry.error = outcome.error
    return { entry, ran: true }
  }
  const name = action.command!
  const command = context.commands.get(name)
  if (!command) {
    const error = `command "${name}" is not in the hub's remediation allow-list (its --remediation file)`
    return { entry: { ...base, outcome: 'failed', durationMs: 0, error }, ran: false }
  }
  let run: CommandRun
  try {
    run = await context.runCommand(command, context.env, signal)
  } catch (error) {
    const entry: RemediationEntry = {
      ...base,
      outcome: 'failed',
      durationMs: elapsed(),
      error: `${command.argv[0]} could not be started: ${messageOf(error)}`,
    }
    return { entry, ran: false }
  }
  const entry: RemediationEntry = {
    ...base,
    outcome: run.exitCode === 0 && !run.timedOut && !run.aborted ? 'ok' : 'failed',
    exitCode: run.exitCode,
    durationMs: elapsed(),
  }
  const output = timelineOutput(run.output)
  if (output) entry.output = output
  if (run.timedOut) {
    entry.reason = 'timeout'
    entry.error = `killed at the ${formatDuration(command.timeoutMs)} timeout`
  } else if (run.aborted) {
    entry.error = 'killed: the hub is stopping'
  } else if (run.exitCode === null) {
    entry.error = `killed by ${run.signal}`
  } else if (run.exitCode !== 0) {
    entry.error = `exited ${run.exitCode}`
  }
  return { entry, ran: true }
}
