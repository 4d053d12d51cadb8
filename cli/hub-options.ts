/**
 * What every command that talks to a running hub shares: the `--hub` and `--api-token`
 * options, a hub client whose advice names them, and how a refused request ends the
 * command. `vantage deploy` keeps its older `--token` flag and builds its own client.
 */
import { Command, Option } from 'commander'
import {
  createHubClient,
  HubRequestError,
  TokenRefusedError,
  type HubClient,
} from './hub-client.ts'
import { parseHttpUrl } from './options.ts'

/** The flags `addHubOptions` adds, as commander hands them to an action. */
export interface HubFlags {
  hub: string
  apiToken?: string
}

/** Help texts for a command whose use of the hub differs from the usual one. */
export interface HubOptionHelp {
  /** Default: "the hub's HTTP address (its API)". */
  hub?: string
  /** Default: when the token is needed. */
  apiToken?: string
}

/**
 * Adds `--hub` (VANTAGE_HUB_URL) and `--api-token` (VANTAGE_API_TOKEN).
 * @example addHubOptions(new Command('list')).action((flags: HubFlags) => ...)
 */
export function addHubOptions(command: Command, help: HubOptionHelp = {}): Command {
  return command
    .addOption(
      new Option('--hub <url>', help.hub ?? "the hub's HTTP address (its API)")
        .env('VANTAGE_HUB_URL')
        .default('http://localhost:8080')
        .argParser(parseHttpUrl),
    )
    .addOption(
      new Option(
        '--api-token <token>',
        help.apiToken ??
          "the hub's API token (its --api-token); not needed on the hub machine when it has none",
      ).env('VANTAGE_API_TOKEN'),
    )
}

/**
 * A client for the hub the flags name, whose advice names `--api-token`.
 * @param command the command, as in `vantage ack`: `'ack'`
 * @param api the API it needs, named when the hub has no route for it: `'incidents'`
 * @example const hub = hubClientFor(flags, 'incidents', 'incidents')
 */
export function hubClientFor(flags: HubFlags, command: string, api: string): HubClient {
  return createHubClient(flags.hub, flags.apiToken, { command, tokenFlag: '--api-token', api })
}

/** Exit code when the hub refused the API token that was sent: the project's code for refused credentials. */
export const EXIT_TOKEN_REFUSED = 3

/**
 * Prints a refused or failed request, with the config errors the hub listed, and exits
 * 3 when the hub refused the API token, else 1. Anything else is a bug and is thrown on.
 */
export function failWith(command: string, error: unknown): never {
  if (!(error instanceof HubRequestError)) throw error
  const errors = error.errors.map((line) => `\n  ${line}`).join('')
  process.stderr.write(`vantage ${command}: ${error.message}${errors}\n`)
  process.exit(error instanceof TokenRefusedError ? EXIT_TOKEN_REFUSED : 1)
}
