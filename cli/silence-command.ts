/**
 * `vantage silence` and `vantage maintenance`: add, list and remove windows on a
 * running hub. A silence mutes a check's notifications; a maintenance window also keeps
 * its results out of alerting and availability. Both match checks by id or tag and are
 * one-off (`--for`, or `--start`/`--end`) or recurring (`--cron` + `--duration`, UTC).
 */
import { userInfo } from 'node:os'
import { Command, InvalidArgumentError, Option } from 'commander'
import { isDuration } from '../checks/duration.ts'
import { cronProblem } from '../hub/alerts/cron-window.ts'
import type { SilenceWindow, WindowKind, WindowView } from '../hub/alerts/silences.ts'
import { createHubClient, HubRequestError } from './hub-client.ts'
import { parseHttpUrl } from './options.ts'
import {
  formatCreated,
  formatWindowList,
  normalizeInstant,
  windowRequest,
  type WindowFlags,
} from './silence-report.ts'

interface HubFlags {
  hub: string
  apiToken?: string
}

/** A hub that does not answer within this is reported, not waited on (as in hub-client.ts). */
const REQUEST_TIMEOUT_MS = 30_000

const PATHS: Record<WindowKind, string> = {
  silence: '/api/v1/silences',
  maintenance: '/api/v1/maintenance',
}

/** Refused flags: said plainly, exit 1 like every other failure here. */
class UsageError extends Error {}

function repeatable(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

function durationText(value: string): string {
  if (!isDuration(value))
    throw new InvalidArgumentError(`"${value}" is not a duration (use e.g. 30m, 2h, 1d)`)
  return value
}

function cronText(value: string): string {
  const problem = cronProblem(value)
  if (problem) throw new InvalidArgumentError(problem)
  return value
}

function instantText(value: string): string {
  try {
    return normalizeInstant(value)
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
}

/** Who the hub records as the author: the local user, as `git` would. */
function localUser(): string | undefined {
  try {
    return userInfo().username
  } catch {
    return process.env.USER || undefined
  }
}

function withHubOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--hub <url>', "the hub's HTTP address (its API)")
        .env('VANTAGE_HUB_URL')
        .default('http://localhost:8080')
        .argParser(parseHttpUrl),
    )
    .addOption(
      new Option(
        '--api-token <token>',
        "the hub's API token (its --api-token); not needed on the hub machine when it has none",
      ).env('VANTAGE_API_TOKEN'),
    )
}

/**
 * DELETE through the same error handling as hub-client.ts, which has only GET and POST.
 * The hub's JSON error is passed on as a HubRequestError.
 */
async function deleteFromHub<T>(flags: HubFlags, path: string): Promise<T> {
  const token = flags.apiToken || undefined
  let response: Response
  try {
    response = await fetch(`${flags.hub}${path}`, {
      method: 'DELETE',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code
    throw new HubRequestError(
      `cannot reach the hub at ${flags.hub} (${cause ?? (error as Error).message}); ` +
        'is it running? Set --hub (or VANTAGE_HUB_URL)',
    )
  }
  const json = (await response.json().catch(() => ({}))) as { error?: unknown }
  if (response.ok) return json as T
  const said = typeof json.error === 'string' ? json.error : `HTTP ${response.status}`
  throw new HubRequestError(said, response.status)
}

function fail(kind: WindowKind, error: unknown): never {
  if (error instanceof UsageError) {
    process.stderr.write(`vantage ${kind}: ${error.message}\n`)
    process.exit(1)
  }
  if (!(error instanceof HubRequestError)) throw error
  const errors = error.errors.map((line) => `\n  ${line}`).join('')
  process.stderr.write(`vantage ${kind}: ${explain(kind, error)}${errors}\n`)
  process.exit(1)
}

/**
 * hub-client's advice is worded for deploy (its flag is --token, its API the deploy
 * API); these commands call the flag --api-token and ask for another API.
 */
function explain(kind: WindowKind, error: HubRequestError): string {
  if (error.status === 401) {
    return "the hub wants its API token: pass the hub's --api-token with --api-token (or VANTAGE_API_TOKEN)"
  }
  if (error.status === 404 && /has no deploy API|^no route for/.test(error.message)) {
    return `this hub has no ${PATHS[kind]} API (a hub older than vantage ${kind}?)`
  }
  return error.message
}

function addCommand(kind: WindowKind): Command {
  return withHubOptions(new Command('add'))
    .description(
      kind === 'silence'
        ? 'mute notifications of matching checks'
        : 'start or plan a maintenance window',
    )
    .addOption(new Option('--check <id>', 'a check to match (repeatable)').argParser(repeatable))
    .addOption(
      new Option('--tag <tag>', 'match checks with this tag (repeatable)').argParser(repeatable),
    )
    .addOption(
      new Option('--for <duration>', 'from now, for this long, e.g. 2h').argParser(durationText),
    )
    .addOption(
      new Option('--start <time>', 'when it starts, ISO 8601 with a zone (default: now)').argParser(
        instantText,
      ),
    )
    .addOption(
      new Option('--end <time>', 'when it ends, ISO 8601 with a zone').argParser(instantText),
    )
    .addOption(
      new Option(
        '--cron <expression>',
        'recurring: when each window opens, five fields, UTC',
      ).argParser(cronText),
    )
    .addOption(
      new Option(
        '--duration <duration>',
        'recurring: how long each window lasts, e.g. 1h',
      ).argParser(durationText),
    )
    .addOption(new Option('--reason <text>', 'why, for whoever wonders where the alerts went'))
    .addOption(
      new Option('--by <name>', 'who to record as its author').default(
        localUser(),
        'your user name',
      ),
    )
    .action(async (flags: WindowFlags & HubFlags) => {
      try {
        const request = windowRequest(flags)
        if (!request.ok) throw new UsageError(request.error)
        const hub = createHubClient(flags.hub, flags.apiToken)
        const { window } = await hub.post<{ window: WindowView }>(PATHS[kind], request.body)
        process.stdout.write(formatCreated(window, Date.now()))
      } catch (error) {
        fail(kind, error)
      }
    })
}

function listCommand(kind: WindowKind): Command {
  return withHubOptions(new Command('list'))
    .description(
      `list the ${kind === 'silence' ? 'silences' : 'maintenance windows'}, those of the monitoring file too`,
    )
    .addOption(new Option('--active', 'only those in force now'))
    .addOption(new Option('--json', 'print the JSON the hub answers'))
    .action(async (flags: HubFlags & { active?: boolean; json?: boolean }) => {
      try {
        const hub = createHubClient(flags.hub, flags.apiToken)
        const query = flags.active ? '?active=true' : ''
        const { windows } = await hub.get<{ windows: WindowView[] }>(`${PATHS[kind]}${query}`)
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(windows, null, 2)}\n`
            : formatWindowList(windows, kind, Date.now()),
        )
      } catch (error) {
        fail(kind, error)
      }
    })
}

function removeCommand(kind: WindowKind): Command {
  return withHubOptions(new Command('remove'))
    .description(`end a ${kind === 'silence' ? 'silence' : 'maintenance window'} now and forget it`)
    .argument('<id>', 'its id, as add printed it or list shows it')
    .action(async (id: string, flags: HubFlags) => {
      try {
        const path = `${PATHS[kind]}/${encodeURIComponent(id)}`
        const { removed } = await deleteFromHub<{ removed: SilenceWindow }>(flags, path)
        process.stdout.write(
          `removed ${kind === 'silence' ? 'silence' : 'maintenance window'} ${removed.id}\n`,
        )
      } catch (error) {
        fail(kind, error)
      }
    })
}

function windowCommand(kind: WindowKind): Command {
  const isSilence = kind === 'silence'
  return new Command(kind)
    .description(
      isSilence
        ? 'mute the notifications of checks for a while (alert state is still tracked)'
        : 'maintenance windows: matched checks do not page, and their results count neither as up nor as down',
    )
    .addCommand(addCommand(kind))
    .addCommand(listCommand(kind))
    .addCommand(removeCommand(kind))
    .addHelpText(
      'after',
      `
Checks match by id (--check) or tag (--tag); both repeat. A window is one-off (--for,
or --start/--end with a zone) or recurring (--cron and --duration, UTC). Windows in
the monitoring file (maintenance: [...]) are listed too and change only by a deploy.
Adding and removing need the hub's API token, or a shell on the hub machine when the
hub has none.

Examples:
  vantage ${kind} add --check api --for 2h --reason "${isSilence ? 'known incident, fix rolling out' : 'database upgrade'}"
  vantage ${kind} add --tag db --cron "0 2 * * 0" --duration 1h --reason "weekly vacuum"
  vantage ${kind} add --tag payments --start 2026-03-01T22:00Z --end 2026-03-02T01:00Z
  vantage ${kind} list --active
  vantage ${kind} remove ${isSilence ? 's' : 'm'}-1a2b3c4d`,
    )
}

/**
 * Adds `vantage silence add|list|remove` and `vantage maintenance add|list|remove`.
 * @example registerSilenceCommands(program)
 */
export function registerSilenceCommands(program: Command): void {
  program.addCommand(windowCommand('silence'))
  program.addCommand(windowCommand('maintenance'))
}
