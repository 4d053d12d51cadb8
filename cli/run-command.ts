/**
 * `vantage run <check>`: runs a check now in every region it runs in (or on every host
 * it selects) and prints what each saw: the same fan-out and the same table as the chat
 * command "run latte".
 */
import { Command, Option } from 'commander'
import type { RunReport } from '../hub/api/contract.ts'
import { formatRunTable, runHeadline } from '../hub/runs/run-table.ts'
import { addHubOptions, failWith, hubClientFor, type HubFlags } from './hub-options.ts'

/** Exit code when a region failed, did not answer, or had no probe online. */
export const EXIT_NOT_ALL_PASSED = 4

/** Longer than any check's timeout + 2 s that the hub waits. */
const RUN_REQUEST_TIMEOUT_MS = 10 * 60_000

export function runCommand(): Command {
  return addHubOptions(new Command('run'))
    .description('run a check now in every region and print what each region saw')
    .argument('<check>', 'the check id')
    .addOption(new Option('--json', 'print the JSON the hub answered'))
    .addHelpText(
      'after',
      `
The hub sends the run to every online probe of each region at once and waits for the
answers at most the check's timeout + 2 s. Running needs the hub's API token, or runs on
the hub machine when it has none.
Exit codes: 0 every region passed (up or degraded); 4 a region failed, did not answer or
had no probe online; 1 no such check, a heartbeat, or the hub could not be reached; 3 the
hub refused the API token.

Examples:
  vantage run latte
  vantage run latte --json --hub https://hub.example.com`,
    )
    .action(async (check: string, flags: HubFlags & { json?: boolean }) => {
      let report: RunReport
      try {
        report = await hubClientFor(flags, 'run', 'run').post<RunReport>(
          `/api/v1/checks/${encodeURIComponent(check)}/run`,
          {},
          { timeoutMs: RUN_REQUEST_TIMEOUT_MS },
        )
      } catch (error) {
        failWith('run', error)
      }
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : `${runHeadline(report)}\n\n${formatRunTable(report)}`,
      )
      const passed = report.rows.every((row) => row.status === 'up' || row.status === 'degraded')
      if (!passed) process.exitCode = EXIT_NOT_ALL_PASSED
    })
}
