/**
 * The `vantage` command. Each top-level command's module is imported only when that
 * command runs (or for the full help): `vantage probe` then loads the probe and never
 * the hub, whose code would cost the probe about 25 MiB it never uses
 * (cli/probe-graph.test.ts holds that).
 */
import { Command } from 'commander'
import { keepWasmCompilationSmall, keepYoungGenerationSmall } from './probe-heap.ts'
import { VERSION } from './version.ts'

/** Adds one or more top-level commands to the program. */
type Register = (program: Command) => void

/**
 * Every top-level command by name, in the order help lists them, with the import that
 * brings it. A module that adds several commands is listed under each of their names.
 */
const COMMANDS: ReadonlyArray<readonly [names: readonly string[], load: () => Promise<Register>]> =
  [
    [['init'], async () => adding((await import('./init-command.ts')).initCommand)],
    [['hub'], async () => adding((await import('./hub-command.ts')).hubCommand)],
    [['probe'], async () => adding((await import('./probe-command.ts')).probeCommand)],
    [['demo'], async () => adding((await import('./demo-command.ts')).demoCommand)],
    [['validate'], async () => adding((await import('./validate-command.ts')).validateCommand)],
    [['deploy'], async () => adding((await import('./deploy-command.ts')).deployCommand)],
    [
      ['status'],
      async () => {
        const [{ statusCommand }, { statusExportCommand }] = await Promise.all([
          import('./status-command.ts'),
          import('./status-export-command.ts'),
        ])
        return adding(() =>
          statusCommand().enablePositionalOptions().addCommand(statusExportCommand()),
        )
      },
    ],
    [['incident'], async () => adding((await import('./status-post-command.ts')).incidentCommand)],
    [['slo'], async () => adding((await import('./slo-command.ts')).sloCommand)],
    [['test'], async () => adding((await import('./test-command.ts')).testCommand)],
    [['token'], async () => adding((await import('./token-command.ts')).tokenCommand)],
    [['infra'], async () => adding((await import('./infra-command.ts')).infraCommand)],
    [['run'], async () => adding((await import('./run-command.ts')).runCommand)],
    [['events'], async () => adding((await import('./events-command.ts')).eventsCommand)],
    [['anomaly'], async () => adding((await import('./anomaly-command.ts')).anomalyCommand)],
    [['incidents'], async () => (await import('./incidents-command.ts')).registerIncidentCommands],
    [['ack'], async () => (await import('./ack-command.ts')).registerAckCommand],
    [
      ['silence', 'maintenance'],
      async () => (await import('./silence-command.ts')).registerSilenceCommands,
    ],
  ]

const adding =
  (command: () => Command): Register =>
  (program) =>
    program.addCommand(command())

/**
 * The program with the command `argv` names, or with every command when it names none
 * of them (`vantage --help`, `vantage help probe`, a typo that commander answers with
 * "did you mean").
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const named = COMMANDS.find(([names]) => names.includes(argv[2] ?? ''))
  const registers = await Promise.all((named ? [named] : COMMANDS).map(([, load]) => load()))
  const program = new Command('vantage')
    .description(
      'Vantage: synthetic monitoring with checks as code, regional probes and quorum alerts',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // Lets a command and its subcommands share a flag name (`vantage probe --hub` takes an
    // MQTT URL, `vantage probe remove --hub` the hub's HTTP address).
    .enablePositionalOptions()
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
  for (const register of registers) register(program)
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
  // Before the probe's modules load: loading them is what grows the young generation.
  if (argv[2] === 'probe') {
    keepYoungGenerationSmall()
    keepWasmCompilationSmall()
  }
  const program = await buildProgram(argv)
  exitTwoOnUsageErrors(program)
  await program.parseAsync(argv)
}
