/**
 * The chat commands, the role each needs, and how a line of text becomes one. Slack's
 * buttons (Ack, Silence 1h, Confirm, Cancel) are turned into the same commands, so a
 * button can never do what its presser could not type.
 */
import { ALERT_ACTIONS } from '../../checks/channels/slack.ts'
import type { Role } from './chat-access.ts'

export interface CommandInfo {
  role: Role
  usage: string
  about: string
  /** Fewest arguments it takes. */
  args: number
}

export const COMMANDS = {
  help: { role: 'viewer', usage: 'help', about: 'what you can ask', args: 0 },
  status: {
    role: 'viewer',
    usage: 'status [check]',
    about: 'every check that is not up, or one check region by region',
    args: 0,
  },
  incidents: { role: 'viewer', usage: 'incidents', about: 'the open incidents', args: 0 },
  slo: {
    role: 'viewer',
    usage: 'slo [name]',
    about: 'error budget left and burn rates',
    args: 0,
  },
  run: {
    role: 'operator',
    usage: 'run <check>',
    about: 'run a check in every region now and post what each saw',
    args: 1,
  },
  ack: {
    role: 'operator',
    usage: 'ack <incident>',
    about: 'acknowledge an incident (PagerDuty and Opsgenie too)',
    args: 1,
  },
  silence: {
    role: 'operator',
    usage: 'silence <check|tag> <duration> <reason>',
    about: 'mute notifications, e.g. silence latte 1h deploying',
    args: 3,
  },
  remediate: {
    role: 'admin',
    usage: 'remediate <check> <action>',
    about: "run one of the hub's allow-listed actions, after you confirm",
    args: 2,
  },
  confirm: {
    role: 'admin',
    usage: 'confirm <code>',
    about: 'confirm a remediation you asked for (within 5 minutes)',
    args: 1,
  },
  cancel: {
    role: 'admin',
    usage: 'cancel <code>',
    about: 'drop a remediation you asked for',
    args: 1,
  },
} as const satisfies Record<string, CommandInfo>

export type CommandName = keyof typeof COMMANDS
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[]

/** Other words people type for a command: "check latte" runs it. */
const ALIASES: Record<string, CommandName> = {
  check: 'run',
  '?': 'help',
  acknowledge: 'ack',
  mute: 'silence',
}

export interface ParsedCommand {
  name: CommandName
  args: string[]
}

export type ParseOutcome = { ok: true; command: ParsedCommand } | { ok: false; error: string }

/** Longest command text taken: a command and a sentence of reason. */
export const MAX_COMMAND_TEXT = 1_000

/**
 * @example parseCommand('silence latte 1h rolling out 2.3') // { name: 'silence', args: ['latte', '1h', 'rolling', 'out', '2.3'] }
 */
export function parseCommand(text: string): ParseOutcome {
  if (text.length > MAX_COMMAND_TEXT) {
    return { ok: false, error: `a command is at most ${MAX_COMMAND_TEXT} characters` }
  }
  const words = text.trim().split(/\s+/).filter(Boolean)
  const word = (words[0] ?? 'help').toLowerCase()
  const name = (word in COMMANDS ? word : ALIASES[word]) as CommandName | undefined
  if (!name) {
    return {
      ok: false,
      error: `no command "${words[0]}"; try: ${COMMAND_NAMES.filter((n) => n !== 'cancel').join(', ')}`,
    }
  }
  const args = words.slice(1)
  const info = COMMANDS[name]
  if (args.length < info.args) return { ok: false, error: `usage: ${info.usage}` }
  return { ok: true, command: { name, args } }
}

/** Slack action ids of the buttons the hub puts on messages (alerts' come from the channel). */
export const ACTIONS = {
  ack: ALERT_ACTIONS.ack,
  silence1h: ALERT_ACTIONS.silence1h,
  confirm: 'vantage_remediate_confirm',
  cancel: 'vantage_remediate_cancel',
} as const

/** A button press as the command it stands for, or null for a button that is not ours. */
export function commandOfAction(actionId: string, value: string): ParsedCommand | null {
  switch (actionId) {
    case ACTIONS.ack:
      return { name: 'ack', args: [value] }
    case ACTIONS.silence1h:
      return { name: 'silence', args: [value, '1h', 'silenced', 'from', 'an', 'alert', 'message'] }
    case ACTIONS.confirm:
      return { name: 'confirm', args: [value] }
    case ACTIONS.cancel:
      return { name: 'cancel', args: [value] }
    default:
      return null
  }
}
