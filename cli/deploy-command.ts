/**
 * `vantage deploy`: validates a monitors file here, shows the hub's plan for it, and
 * uploads it; or rolls back to an earlier version; or lists the deploys. The hub
 * validates again and signs the bundle: this command never touches the signing key.
 */
import { Command, Option } from 'commander'
import { validateMonitoring } from '../checks/validate.ts'
import type { DeployPlan } from '../hub/api/contract.ts'
import { formatWarnings, importMonitors } from './load-monitors.ts'
import { colorsWanted, palette } from './colors.ts'
import { formatHistory, formatPlan, type DeployListItem } from './deploy-report.ts'
import { createHubClient, type HubClient } from './hub-client.ts'
import { failWith } from './hub-options.ts'
import { parseHttpUrl } from './options.ts'

interface DeployFlags {
  hub: string
  token?: string
  dryRun?: boolean
  rollback?: string
  list?: boolean
  source?: string
}

/** The hub's answer to a deploy, a dry run or a rollback. */
interface DeployAnswer {
  version: string
  seq: number
  changed: boolean
  plan: DeployPlan
}

const DEPLOYS = '/api/v1/deploys'

/** Wrong flags: exit 2. */
class UsageError extends Error {}
/** A problem in the monitors file: exit 1, like a refused deploy. */
class FileError extends Error {}

function out(text: string): void {
  process.stdout.write(text)
}

function printPlan(title: string, plan: DeployPlan): void {
  out(`${title}\n${formatPlan(plan, palette(colorsWanted(process.stdout)))}`)
  // On stderr, like every warning: they do not block the deploy, and CI logs show them.
  process.stderr.write(formatWarnings(plan.warnings ?? []))
}

function fileErrors(file: string, errors: string[]): FileError {
  return new FileError(
    `${file}: ${errors.length} error(s)\n${errors.map((e) => `  ${e}`).join('\n')}`,
  )
}

/** Loads and validates the file as `vantage validate` does, and returns what to upload. */
async function loadForUpload(file: string): Promise<unknown> {
  const imported = await importMonitors(file)
  // Warnings first: an unset variable often explains the errors that follow.
  process.stderr.write(formatWarnings(imported.warnings))
  if (!imported.ok) throw fileErrors(file, imported.errors)
  const validated = validateMonitoring(imported.input)
  if (!validated.ok) throw fileErrors(file, validated.errors)
  // The file as written goes up, not the validated form: the hub applies its own defaults.
  try {
    return JSON.parse(JSON.stringify(imported.input)) as unknown
  } catch (error) {
    throw new FileError(`${file}: its export is not plain data: ${(error as Error).message}`)
  }
}

async function deploy(hub: HubClient, flags: DeployFlags, file: string): Promise<void> {
  const config = await loadForUpload(file)
  const source = flags.source ?? file
  const plan = await hub.post<DeployAnswer>(DEPLOYS, { config, source, dryRun: true })
  printPlan(`Plan for ${flags.hub} (running ${plan.version}):`, plan.plan)
  if (!plan.changed) return out(`no changes, version ${plan.version} is running\n`)
  if (flags.dryRun) return out('dry run: nothing deployed\n')
  const done = await hub.post<DeployAnswer>(DEPLOYS, {
    config,
    source,
    expectVersion: plan.version,
  })
  out(`deployed version ${done.version}; live probes run it within seconds\n`)
}

async function rollback(hub: HubClient, flags: DeployFlags, version: string): Promise<void> {
  const source = flags.source ?? `vantage deploy --rollback ${version}`
  const done = await hub.post<DeployAnswer>(`${DEPLOYS}/rollback`, { version, source })
  if (!done.changed) return out(`no changes: version ${done.version} already runs that config\n`)
  printPlan(`Rolled back to the config of ${version}:`, done.plan)
  out(`deployed version ${done.version}; live probes run it within seconds\n`)
}

async function list(hub: HubClient): Promise<void> {
  const answer = await hub.get<{ deploys: DeployListItem[] }>(DEPLOYS)
  out(formatHistory(answer.deploys))
}

export function deployCommand(): Command {
  return new Command('deploy')
    .description(
      'validate a monitors file, show what changes on the hub, and deploy it; or roll back, or list deploys',
    )
    .argument('[file]', 'monitors file', './monitors.ts')
    .addOption(
      new Option('--hub <url>', "the hub's HTTP address (its API)")
        .env('VANTAGE_HUB_URL')
        .default('http://localhost:8080')
        .argParser(parseHttpUrl),
    )
    .addOption(
      new Option(
        '--token <token>',
        "the hub's API token (its --api-token); not needed on the hub machine when it has none",
      ).env('VANTAGE_API_TOKEN'),
    )
    .addOption(new Option('--dry-run', 'show the plan only; deploy nothing'))
    .addOption(
      new Option(
        '--rollback <version>',
        'deploy the config of an earlier version again (as a new version)',
      ),
    )
    .addOption(new Option('--list', 'list the deploys, newest first'))
    .addOption(
      new Option(
        '--source <text>',
        'what to record as the source of this deploy (default: the file), e.g. a commit',
      ),
    )
    .addHelpText(
      'after',
      `
The file is validated here first (every error is listed, exit 1), then the hub
validates it again, shows its plan (checks added, removed and changed, with each
changed field), and applies it. Probes run a new version within seconds.

Lines starting with "warning:" (on stderr) name what would fail only when needed:
a channel field left empty by an unset environment variable, a region with no live
probe, a host check that selects no live probe, a remediation command missing from
the hub's --remediation allow-list. They never block the deploy.

Exit codes: 0 deployed, nothing to change, or a dry run; 1 errors in the file, or the
hub refused or could not be reached; 2 wrong flags; 3 the hub refused the API token.

Examples:
  vantage deploy monitors.ts --hub https://hub.example.com --dry-run
  VANTAGE_API_TOKEN=... vantage deploy monitors.ts --hub https://hub.example.com
  vantage deploy --list --hub https://hub.example.com
  vantage deploy --rollback 12-3f9a0c1e --hub https://hub.example.com`,
    )
    .action(async (file: string, flags: DeployFlags, command: Command) => {
      const hub = createHubClient(flags.hub, flags.token, {
        command: 'deploy',
        tokenFlag: '--token',
        api: 'deploy',
      })
      const fileGiven = command.args.length > 0
      try {
        if (flags.list || flags.rollback) {
          if (fileGiven || flags.dryRun) {
            throw new UsageError('--list and --rollback take no file and no --dry-run')
          }
          if (flags.list && flags.rollback)
            throw new UsageError('use --list or --rollback, not both')
          await (flags.list ? list(hub) : rollback(hub, flags, flags.rollback!))
        } else {
          await deploy(hub, flags, file)
        }
      } catch (error) {
        if (error instanceof UsageError) {
          process.stderr.write(`vantage deploy: ${error.message}\n`)
          process.exit(2)
        }
        if (error instanceof FileError) {
          process.stderr.write(`${error.message}\n`)
          process.exit(1)
        }
        failWith('deploy', error)
      }
    })
}
