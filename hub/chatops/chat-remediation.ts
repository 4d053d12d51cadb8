/**
 * Remediation from chat ("restart latte"): only an action the hub's `--remediation`
 * allow-list names, and only after the person who asked confirms it within five
 * minutes. Then the command runs (argv, no shell, its timeout, as auto-remediation runs
 * it), a confirmation run asks every region whether it helped, and the request, the run
 * and the confirmation all go on the check's open incident's timeline.
 *
 * Pending requests live in memory: a hub restart forgets them and the person asks again,
 * which is safer than running an action confirmed to a process that no longer exists.
 */
import { randomBytes } from 'node:crypto'
import type { Clock } from '../../lib/clock.ts'
import type { IncidentStore } from '../incidents/incident-store.ts'
import { timelineOutput } from '../alerts/remediation/remediation-actions.ts'
import {
  runRemediationCommand,
  type CommandRun,
  type RemediationCommand,
} from '../alerts/remediation/remediation-commands.ts'

/** How long a requested remediation waits for its confirmation. */
export const CONFIRM_WITHIN_MS = 5 * 60_000

export interface PendingRemediation {
  code: string
  checkId: string
  action: string
  /** `platform:workspace:user` of who asked: only they may confirm. */
  requester: string
  requesterName: string
  expiresAt: number
}

export type ConfirmOutcome =
  | { ok: true; pending: PendingRemediation }
  | { ok: false; error: string; reason: 'unknown' | 'other-user' | 'expired' }

export interface RemediationRun {
  action: string
  outcome: 'ok' | 'failed'
  exitCode: number | null
  durationMs: number
  output: string
  error?: string
}

export interface ChatRemediationOptions {
  clock: Clock
  incidents: IncidentStore
  /** The hub's allow-list, read at each use. */
  commands: () => ReadonlyMap<string, RemediationCommand>
  /** Injected for tests; default spawns the command as auto-remediation does. */
  runCommand?: (
    command: RemediationCommand,
    env: Record<string, string>,
    signal: AbortSignal,
  ) => Promise<CommandRun>
}

export class ChatRemediation {
  readonly #options: ChatRemediationOptions
  readonly #pending = new Map<string, PendingRemediation>()
  readonly #shutdown = new AbortController()

  constructor(options: ChatRemediationOptions) {
    this.#options = options
  }

  /** The allow-listed action names. */
  actions(): string[] {
    return [...this.#options.commands().keys()].sort()
  }

  /** Records a request; the caller shows its code on a Confirm button. */
  request(
    checkId: string,
    action: string,
    requester: string,
    requesterName: string,
  ): PendingRemediation {
    const now = this.#options.clock.now()
    for (const [code, pending] of this.#pending) {
      if (pending.expiresAt <= now) this.#pending.delete(code)
    }
    const pending: PendingRemediation = {
      code: randomBytes(4).toString('hex'),
      checkId,
      action,
      requester,
      requesterName,
      expiresAt: now + CONFIRM_WITHIN_MS,
    }
    this.#pending.set(pending.code, pending)
    this.#note(checkId, 'remediation', {
      action: `command ${action}`,
      outcome: 'requested',
      reason: `asked from chat by ${requesterName}; runs once they confirm, within 5 minutes`,
    })
    return pending
  }

  /** Takes a pending request off the list if `requester` may confirm it now. */
  confirm(code: string, requester: string): ConfirmOutcome {
    const pending = this.#pending.get(code)
    if (!pending) {
      return { ok: false, reason: 'unknown', error: `no pending remediation "${code}"` }
    }
    if (pending.requester !== requester) {
      return {
        ok: false,
        reason: 'other-user',
        error: `only ${pending.requesterName}, who asked for it, can confirm or cancel it`,
      }
    }
    this.#pending.delete(code)
    if (this.#options.clock.now() >= pending.expiresAt) {
      return {
        ok: false,
        reason: 'expired',
        error: `remediation ${code} expired (confirm within 5 minutes); ask again`,
      }
    }
    return { ok: true, pending }
  }

  /** Runs a confirmed action and puts it on the timeline. */
  async run(pending: PendingRemediation, by: string): Promise<RemediationRun> {
    const { clock } = this.#options
    const command = this.#options.commands().get(pending.action)
    const started = clock.now()
    const incidentId = this.#options.incidents.openFor(pending.checkId)?.incidentId ?? ''
    let run: RemediationRun
    if (!command) {
      run = {
        action: pending.action,
        outcome: 'failed',
        exitCode: null,
        durationMs: 0,
        output: '',
        error: `"${pending.action}" is no longer in the hub's remediation allow-list`,
      }
    } else {
      try {
        const result = await (this.#options.runCommand ?? runRemediationCommand)(
          command,
          {
            VANTAGE_CHECK_ID: pending.checkId,
            VANTAGE_INCIDENT_ID: incidentId,
            VANTAGE_ATTEMPT: 'manual',
            VANTAGE_REQUESTED_BY: by,
          },
          this.#shutdown.signal,
        )
        const ok = result.exitCode === 0 && !result.timedOut && !result.aborted
        run = {
          action: pending.action,
          outcome: ok ? 'ok' : 'failed',
          exitCode: result.exitCode,
          durationMs: clock.now() - started,
          output: timelineOutput(result.output),
          ...(ok
            ? {}
            : {
                error: result.timedOut
                  ? 'killed at its timeout'
                  : result.exitCode === null
                    ? `killed by ${result.signal}`
                    : `exited ${result.exitCode}`,
              }),
        }
      } catch (error) {
        run = {
          action: pending.action,
          outcome: 'failed',
          exitCode: null,
          durationMs: clock.now() - started,
          output: '',
          error: `${command.argv[0]} could not be started: ${(error as Error).message}`,
        }
      }
    }
    this.#note(pending.checkId, 'remediation', {
      action: `command ${run.action}`,
      outcome: run.outcome,
      reason: `from chat, confirmed by ${by}`,
      exitCode: run.exitCode,
      durationMs: run.durationMs,
      ...(run.output ? { output: run.output } : {}),
      ...(run.error ? { error: run.error } : {}),
    })
    return run
  }

  /** Puts the confirmation round that followed on the timeline. */
  confirmed(checkId: string, detail: Record<string, unknown>): void {
    this.#note(checkId, 'confirmation', { after: 'remediation from chat', ...detail })
  }

  close(): void {
    this.#shutdown.abort()
  }

  #note(checkId: string, type: 'remediation' | 'confirmation', detail: object): void {
    const open = this.#options.incidents.openFor(checkId)
    if (open) {
      this.#options.incidents.addEvent(open.incidentId, this.#options.clock.now(), type, {
        ...detail,
      })
    }
  }
}
