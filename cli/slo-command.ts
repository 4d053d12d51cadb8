/**
 * `vantage slo list|show|gate`: a running hub's SLOs, one SLO's budget, burn rates and
 * alerts, and the error-budget gate a deploy pipeline asks before it deploys.
 */
import { Command, Option } from 'commander'
import type { SloView } from '../hub/slo/slo-views.ts'
import { HubRequestError } from './hub-client.ts'
import { addHubOptions, failWith, hubClientFor, type HubFlags } from './hub-options.ts'
import { formatSloDetail, formatSloList, type ObjectiveDetail } from './slo-format.ts'

type Flags = HubFlags & { json?: boolean }

function out(text: string): void {
  process.stdout.write(text)
}

function listCommand(): Command {
  return addHubOptions(new Command('list'))
    .description('list every SLO with its budget left, burn rates, open alerts and gate')
    .addOption(new Option('--json', 'print the JSON the hub answered'))
    .action(async (flags: Flags) => {
      try {
        const { slos } = await hubClientFor(flags, 'slo', 'SLO').get<{ slos: SloView[] }>(
          '/api/v1/slos',
        )
        out(flags.json ? `${JSON.stringify(slos, null, 2)}\n` : formatSloList(slos))
      } catch (error) {
        failWith('slo', error)
      }
    })
}

function showCommand(): Command {
  return addHubOptions(new Command('show'))
    .description(
      'show one SLO: budget, burn rate per window, window pairs, alerts and what consumed the budget',
    )
    .argument('<name>', 'the SLO (from vantage slo list)')
    .addOption(new Option('--json', 'print the JSON the hub answered'))
    .action(async (name: string, flags: Flags) => {
      try {
        const path = `/api/v1/slos/${encodeURIComponent(name)}`
        const slo = await hubClientFor(flags, 'slo', 'SLO').get<
          SloView & { objectives: ObjectiveDetail[] }
        >(path)
        out(flags.json ? `${JSON.stringify(slo, null, 2)}\n` : formatSloDetail(slo))
      } catch (error) {
        failWith('slo', error)
      }
    })
}

function gateCommand(): Command {
  return addHubOptions(new Command('gate'))
    .description("exit 1 when the SLO's error budget is spent, so a deploy pipeline can stop")
    .argument('<name>', 'the SLO')
    .addHelpText(
      'after',
      `
Exit codes:
  0  every objective of the SLO has budget left: deploy
  1  an objective's budget is spent (the hub answers 409), or the hub could not tell
  3  the hub refused the API token

Example, in CI before the deploy step:
  vantage slo gate checkout --hub https://hub.example.com || exit 1`,
    )
    .action(async (name: string, flags: HubFlags) => {
      try {
        const path = `/api/v1/slos/${encodeURIComponent(name)}/gate`
        await hubClientFor(flags, 'slo', 'SLO').get<unknown>(path)
        out(`slo ${name}: the error budget has room; the gate is open\n`)
      } catch (error) {
        if (error instanceof HubRequestError && error.status === 409) {
          process.stderr.write(`vantage slo gate: ${error.message}; the gate is closed\n`)
          process.exit(1)
        }
        failWith('slo', error)
      }
    })
}

export function sloCommand(): Command {
  return new Command('slo')
    .description("a running hub's SLOs: list, show one, or ask the error-budget gate")
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(gateCommand())
}
