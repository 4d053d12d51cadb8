/**
 * The chat commands' one core, under Slack and Mattermost alike: who is asking and
 * whether their role allows the command (chat-access.ts, deny by default), then the same
 * parts the API and the CLI use (the dispatcher's acknowledge, the silences, the
 * incident store, run-now), and an event-log entry for every command with who asked,
 * where, what and how it ended.
 *
 * A reply comes back at once; what takes longer (a run in every region, a remediation)
 * comes as a follow-up the platform posts when it is ready.
 */
import type { CheckResult } from '../../checks/result.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import type { CheckAlertState } from '../alerts/alert-state.ts'
import type { AcknowledgeOutcome } from '../alerts/dispatch/dispatcher.ts'
import { actingAs } from '../events/actor-context.ts'
import type { EventLog } from '../events/event-log.ts'
import type { IncidentStore } from '../incidents/incident-store.ts'
import type { HubMetrics } from '../metrics/hub-metrics.ts'
import type { SloGaugeSource } from '../metrics/slo-gauges.ts'
import { RunError, type RunNow } from '../runs/run-now.ts'
import { formatRunTable, runHeadline } from '../runs/run-table.ts'
import type { Silences } from '../silences/silences.ts'
import { allows, type ChatAccess, type ChatIdentity } from './chat-access.ts'
import type { ChatRemediation } from './chat-remediation.ts'
import { checkStatus, incidentList, sloList, statusSummary } from './chat-text.ts'
import {
  ACTIONS,
  COMMAND_NAMES,
  COMMANDS,
  parseCommand,
  type CommandName,
  type ParsedCommand,
} from './commands.ts'

/** A button under a reply; Slack shows it, Mattermost gets the command to type instead. */
export interface ChatButton {
  actionId: string
  label: string
  value: string
  style?: 'primary' | 'danger'
  /** What to type where the platform has no buttons. */
  typed: string
}

export interface ChatReply {
  text: string
  /** `in_channel` replies are for everyone; `ephemeral` ones only for the asker. */
  visibility: 'ephemeral' | 'in_channel'
  buttons?: ChatButton[]
  /** What comes later: the platform posts it through the request's response URL. */
  followUp?: Promise<ChatReply>
}

export interface ChatRequest extends ChatIdentity {
  /** The person's display name, for acks, silences and the log. */
  userName: string
  /** Where, for people: `slack acme #ops`. */
  where: string
  /** What they typed after the slash command, or the command a button stands for. */
  command: string | ParsedCommand
}

export interface ChatCoreDeps {
  clock: Clock
  logger: Logger
  access: () => ChatAccess
  checks: () => readonly CheckSpec[]
  state: (checkId: string) => CheckAlertState
  latest: (checkId: string) => Record<string, CheckResult>
  incidents: IncidentStore
  acknowledge: (incidentId: string, by: string, comment?: string) => AcknowledgeOutcome
  silences: Silences
  runNow: RunNow
  remediation: ChatRemediation
  slo?: SloGaugeSource
  events?: EventLog
  metrics?: HubMetrics
}

type Outcome = 'ok' | 'refused' | 'failed' | 'denied'
interface Handled {
  reply: ChatReply
  outcome: Outcome
  summary: string
}

const reply = (text: string, visibility: ChatReply['visibility'] = 'ephemeral'): ChatReply => ({
  text,
  visibility,
})

/** The command as typed, for the log: `silence latte 1h deploying`. */
function commandText(command: ParsedCommand): string {
  return [command.name, ...command.args].join(' ')
}

export class ChatCore {
  constructor(private readonly deps: ChatCoreDeps) {}

  /** Answers one command or button press. Never throws: a failure is a reply too. */
  async handle(request: ChatRequest): Promise<ChatReply> {
    const parsed =
      typeof request.command === 'string'
        ? parseCommand(request.command)
        : { ok: true as const, command: request.command }
    const actor = { actor: `${request.platform}:${request.userName}`, origin: request.where }
    const role = this.deps.access().roleOf(request)
    let handled: Handled
    let name: CommandName | 'unknown' = 'unknown'
    if (!parsed.ok) {
      handled = { reply: reply(parsed.error), outcome: 'refused', summary: parsed.error }
      if (role === null) handled = this.#denied(request, 'anything')
    } else {
      name = parsed.command.name
      const needed = COMMANDS[name].role
      if (!allows(role, needed)) {
        handled = this.#denied(request, name, role, needed)
      } else {
        try {
          handled = await actingAs(actor, () => this.#run(parsed.command, request))
        } catch (error) {
          this.deps.logger.error({ err: error, command: name }, 'a chat command failed')
          handled = {
            reply: reply('That failed inside the hub; its log says why.'),
            outcome: 'failed',
            summary: (error as Error).message,
          }
        }
      }
    }
    const typed =
      typeof request.command === 'string' ? request.command : commandText(request.command)
    this.deps.metrics?.chatCommand(request.platform, name, handled.outcome)
    this.deps.events?.append({
      at: this.deps.clock.now(),
      kind: 'command',
      action: name,
      check: this.#checkOf(parsed.ok ? parsed.command : null),
      actor: actor.actor,
      origin: actor.origin,
      summary: `${actor.actor} in ${request.where}: ${typed.slice(0, 200)} → ${handled.outcome}: ${handled.summary}`,
      detail: {
        platform: request.platform,
        workspace: request.workspace,
        channel: request.channel,
        user: request.user,
        role,
        command: typed.slice(0, 500),
        outcome: handled.outcome,
      },
    })
    return handled.reply
  }

  #checkOf(command: ParsedCommand | null): string | null {
    if (!command) return null
    const first = command.args[0]
    if (!first) return null
    if (['status', 'run', 'remediate', 'silence'].includes(command.name)) {
      return this.deps.checks().some((check) => check.id === first) ? first : null
    }
    return null
  }

  #denied(
    request: ChatRequest,
    what: string,
    role: string | null = null,
    needed?: string,
  ): Handled {
    const text =
      role === null
        ? `You have no access to Vantage here (${request.where}). Ask an admin to add a grant ` +
          `for your user or this channel to the hub's chat access file.`
        : `\`${what}\` needs the ${needed} role; yours here is ${role}.`
    return { reply: reply(text), outcome: 'denied', summary: text }
  }

  async #run(command: ParsedCommand, request: ChatRequest): Promise<Handled> {
    const { deps } = this
    const now = deps.clock.now()
    const [first, second] = command.args
    const by = `${request.userName} (${request.platform})`
    const ok = (
      text: string,
      visibility: ChatReply['visibility'] = 'ephemeral',
      summary = text,
    ) => ({
      reply: reply(text, visibility),
      outcome: 'ok' as const,
      summary,
    })
    const refused = (text: string) => ({
      reply: reply(text),
      outcome: 'refused' as const,
      summary: text,
    })
    switch (command.name) {
      case 'help': {
        const role = deps.access().roleOf(request)
        const lines = COMMAND_NAMES.filter(
          (n) => n !== 'cancel' && allows(role, COMMANDS[n].role),
        ).map((n) => `\`${COMMANDS[n].usage}\`: ${COMMANDS[n].about}`)
        return ok(`Your role here: ${role}.\n${lines.join('\n')}`, 'ephemeral', 'help')
      }
      case 'status': {
        if (!first) {
          return ok(statusSummary(deps.checks(), deps.state, now), 'ephemeral', 'summary')
        }
        const check = deps.checks().find((c) => c.id === first)
        if (!check) return refused(`No check \`${first}\`.`)
        const notes: string[] = []
        const held = deps.silences.suppression(check, now)
        if (held) notes.push(`Held: ${held.reason}`)
        if (!check.enabled) notes.push('Disabled in the monitors file.')
        const text = checkStatus(check, deps.state(check.id), deps.latest(check.id), notes, now)
        return ok(text, 'ephemeral', deps.state(check.id).status)
      }
      case 'incidents': {
        const open = deps.incidents.find({ open: true, limit: 100 })
        return ok(incidentList(open, now), 'ephemeral', `${open.length} open`)
      }
      case 'slo':
        return ok(sloList(deps.slo?.() ?? [], first), 'ephemeral', first ?? 'all')
      case 'run':
        return this.#runNow(first!, request)
      case 'ack': {
        const outcome = deps.acknowledge(first!, by, `acknowledged from ${request.where}`)
        if (!outcome.ok) return refused(outcome.error)
        const text = `${request.userName} acknowledged \`${first}\` (${outcome.incident.checkId}); reminders and escalation stop.`
        return ok(text, 'in_channel')
      }
      case 'silence':
        return this.#silence(command.args, request, by)
      case 'remediate': {
        const check = deps.checks().find((c) => c.id === first)
        if (!check) return refused(`No check \`${first}\`.`)
        const actions = deps.remediation.actions()
        if (!actions.includes(second!)) {
          return refused(
            actions.length === 0
              ? 'This hub has no remediation allow-list (vantage hub --remediation), so nothing can be run from chat.'
              : `\`${second}\` is not in the hub's remediation allow-list; it has ${actions.map((a) => `\`${a}\``).join(', ')}.`,
          )
        }
        const pending = deps.remediation.request(check.id, second!, this.#requester(request), by)
        return {
          reply: {
            text:
              `Run \`${second}\` for \`${check.id}\`? ${request.userName}, confirm within 5 minutes; ` +
              'a confirmation run in every region follows it.',
            visibility: 'ephemeral',
            buttons: [
              {
                actionId: ACTIONS.confirm,
                label: `Run ${second}`,
                value: pending.code,
                style: 'danger',
                typed: `confirm ${pending.code}`,
              },
              {
                actionId: ACTIONS.cancel,
                label: 'Cancel',
                value: pending.code,
                typed: `cancel ${pending.code}`,
              },
            ],
          },
          outcome: 'ok',
          summary: `asked to run ${second} for ${check.id} (code ${pending.code})`,
        }
      }
      case 'confirm':
      case 'cancel': {
        const taken = deps.remediation.confirm(first!, this.#requester(request))
        if (!taken.ok) return refused(taken.error)
        const { pending } = taken
        if (command.name === 'cancel') {
          return ok(`Dropped: \`${pending.action}\` for \`${pending.checkId}\` will not run.`)
        }
        const followUp = this.#remediate(pending, by)
        return {
          reply: {
            text: `${request.userName} confirmed: running \`${pending.action}\` for \`${pending.checkId}\`…`,
            visibility: 'in_channel',
            followUp,
          },
          outcome: 'ok',
          summary: `running ${pending.action} for ${pending.checkId}`,
        }
      }
    }
  }

  #requester(request: ChatRequest): string {
    return `${request.platform}:${request.workspace}:${request.user}`
  }

  async #runNow(checkId: string, request: ChatRequest): Promise<Handled> {
    const spec = this.deps.checks().find((c) => c.id === checkId)
    // Refusals answer at once rather than as a follow-up.
    try {
      if (!spec) throw new RunError('unknown', `no check "${checkId}"`)
      if (!spec.enabled) throw new RunError('disabled', `${checkId} is disabled`)
      if (spec.kind === 'heartbeat')
        throw new RunError('heartbeat', `${checkId} is a heartbeat: nothing runs it, its job pings`)
    } catch (error) {
      const text = `Cannot run it: ${(error as Error).message}.`
      return { reply: reply(text), outcome: 'refused', summary: text }
    }
    const followUp = this.deps.runNow.run(checkId).then(
      (report) =>
        reply(`${runHeadline(report)}\n\`\`\`\n${formatRunTable(report)}\`\`\``, 'in_channel'),
      (error: unknown) => reply(`The run failed: ${(error as Error).message}`),
    )
    return {
      reply: {
        text: `${request.userName} asked to run \`${checkId}\` in every region now…`,
        visibility: 'in_channel',
        followUp,
      },
      outcome: 'ok',
      summary: `running ${checkId} everywhere`,
    }
  }

  async #silence(args: string[], request: ChatRequest, by: string): Promise<Handled> {
    const [target, duration, ...words] = args
    const checks = this.deps.checks()
    const match = checks.some((c) => c.id === target)
      ? { checks: [target!] }
      : checks.some((c) => c.tags.includes(target!))
        ? { tags: [target!] }
        : null
    const refused = (text: string) => ({
      reply: reply(text),
      outcome: 'refused' as const,
      summary: text,
    })
    if (!match) return refused(`No check or tag \`${target}\`.`)
    const outcome = await this.deps.silences.create(
      { kind: 'silence', match, for: duration, reason: words.join(' '), createdBy: by },
      by,
    )
    if (!outcome.ok) return refused(`Not silenced: ${outcome.errors.join('; ')}`)
    const window = outcome.window
    const what = match.checks ? `check \`${target}\`` : `tag \`${target}\``
    const until = window.end === undefined ? '' : ` until ${new Date(window.end).toISOString()}`
    return {
      reply: reply(
        `${request.userName} silenced ${what}${until} (\`${window.id}\`): ${window.reason ?? ''}`,
        'in_channel',
      ),
      outcome: 'ok',
      summary: `silence ${window.id}${until}`,
    }
  }

  async #remediate(pending: Parameters<ChatRemediation['run']>[0], by: string): Promise<ChatReply> {
    const run = await this.deps.remediation.run(pending, by)
    const ran =
      `\`${run.action}\` for \`${pending.checkId}\`: ${run.outcome}` +
      (run.error ? ` (${run.error})` : '') +
      (run.output ? `\n\`\`\`\n${run.output}\n\`\`\`` : '')
    try {
      const report = await this.deps.runNow.run(pending.checkId)
      this.deps.remediation.confirmed(pending.checkId, {
        regions: report.rows.map((row) => `${row.series}: ${row.status}`),
      })
      return reply(
        `${ran}\nConfirmation run: ${runHeadline(report)}\n\`\`\`\n${formatRunTable(report)}\`\`\``,
        'in_channel',
      )
    } catch (error) {
      return reply(`${ran}\nNo confirmation run: ${(error as Error).message}`, 'in_channel')
    }
  }
}
