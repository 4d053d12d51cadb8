/** The `vantage` command. */
import { Command } from 'commander'
import { registerAckCommand } from './ack-command.ts'
import { anomalyCommand } from './anomaly-command.ts'
import { incidentCommand } from './status-post-command.ts'
import { sloCommand } from './slo-command.ts'
import { statusExportCommand } from './status-export-command.ts'
import { registerIncidentCommands } from './incidents-command.ts'
import { registerSilenceCommands } from './silence-command.ts'
import { demoCommand } from './demo-command.ts'
import { deployCommand } from './deploy-command.ts'
import { eventsCommand } from './events-command.ts'
import { hubCommand } from './hub-command.ts'
import { infraCommand } from './infra-command.ts'
import { initCommand } from './init-command.ts'
import { probeCommand } from './probe-command.ts'
import { runCommand } from './run-command.ts'
import { statusCommand } from './status-command.ts'
import { testCommand } from './test-command.ts'
import { tokenCommand } from './token-command.ts'
import { validateCommand } from './validate-command.ts'
import { VERSION } from './version.ts'

export function buildProgram(): Command {
  const program = new Command('vantage')
    .description(
      'Vantage: synthetic monitoring with checks as code, regional probes and quorum alerts',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // Lets a command and its subcommands share a flag name (`vantage probe --hub` takes an
    // MQTT URL, `vantage probe remove --hub` the hub's HTTP address).
    .enablePositionalOptions()
    .addCommand(initCommand())
    .addCommand(hubCommand())
    .addCommand(probeCommand())
    .addCommand(demoCommand())
    .addCommand(validateCommand())
    .addCommand(deployCommand())
    .addCommand(statusCommand().enablePositionalOptions().addCommand(statusExportCommand()))
    .addCommand(incidentCommand())
    .addCommand(sloCommand())
    .addCommand(testCommand())
    .addCommand(tokenCommand())
    .addCommand(infraCommand())
    .addCommand(runCommand())
    .addCommand(eventsCommand())
    .addCommand(anomalyCommand())
    .addHelpText(
      'after',
      `
Every flag can also come from the environment variable shown with it (e.g. VANTAGE_PORT).

Examples:
  vantage init my-monitoring                     a monitoring repo: package.json, monitors.ts, CI workflow
  vantage demo                                   a hub, three probes and a flaky target on this machine
  vantage hub --checks ./monitors.ts --port 8080 --mqtt-port 1883 --data ./data
  vantage probe --hub mqtt://hub.example.com:1883 --id eu-west-1 --region eu-west
  vantage probe drain eu-west-1                  maintenance: its checks move to its region's other probes
  vantage probe remove eu-west-1                 retire a probe that is gone (or: vantage token revoke)
  vantage token create probe eu-west-1 --region eu-west   a broker token for that probe (printed once)
  vantage validate ./monitors.ts                 check a monitors file in CI
  vantage deploy ./monitors.ts --hub http://hub.example.com:8080   plan and deploy to a running hub
  vantage status --hub http://hub.example.com:8080  checks, states and heartbeat ping URLs
  vantage incidents list --open                  open incidents; show ID / report ID for a review
  vantage ack 01KDX2Q4... --comment "on it"     acknowledge: stops reminders and escalation
  vantage incident post --title "Slow API" --message "Investigating" --component api   tell the status page
  vantage status export ./status-copy            a static copy of the status page
  vantage silence add --tag payments --for 2h    mute notifications for matching checks
  vantage run latte                              run a check in every region now and see each answer
  vantage events --since 1h                      what happened and what changed: the event log
  vantage anomaly score series.csv               the hub's anomaly detector on a timestamp,value CSV
  vantage maintenance add --check db --cron '0 2 * * 0' --duration 1h   results there count neither way`,
    )
  registerIncidentCommands(program)
  registerAckCommand(program)
  registerSilenceCommands(program)
  return program
}

/**
 * Commander exits 1 on a usage error (unknown option, bad value, missing argument); the
 * CLI's promise is 2 for usage, 1 for failures and 3 for refused credentials, so a script
 * can tell a typo from an outage. Help and version still exit 0.
 */
export function exitTwoOnUsageErrors(command: Command): void {
  command.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  for (const sub of command.commands) exitTwoOnUsageErrors(sub)
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram()
  exitTwoOnUsageErrors(program)
  await program.parseAsync(argv)
}
