/**
 * `vantage infra systemd --role hub|probe`: writes a hardened unit for this
 * installation. For a probe with `--checks`, its host checks decide what the sandbox
 * must leave visible: the mounts its read-only checks watch stay writable, so the check
 * sees the host's state and not the sandbox's.
 */
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import { readMountinfo, visibleMounts } from '../../checks/runners/host/mountinfo.ts'
import { formatWarnings, loadMonitors } from '../load-monitors.ts'
import { parseLabels } from '../options.ts'
import { systemdUnit, unitName } from './systemd-unit.ts'
import { hostChecksFor, readOnlyWatchedMounts } from './watched-mounts.ts'
import { packagePath } from '../../lib/package-root.ts'

const OWN_BIN = packagePath('bin/vantage.js')

interface SystemdFlags {
  role: 'hub' | 'probe'
  checks?: string
  id?: string
  label: Record<string, string>
  out: string
  user: string
  envFile?: string
  node: string
  vantage: string
  browser?: boolean
}

function parseRole(value: string): 'hub' | 'probe' {
  if (value !== 'hub' && value !== 'probe') {
    throw new InvalidArgumentError('it is hub or probe')
  }
  return value
}

export function systemdCommand(): Command {
  return new Command('systemd')
    .description('write a hardened systemd unit for a hub or a probe of this installation')
    .addOption(
      new Option('--role <role>', 'hub or probe').argParser(parseRole).makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '-c, --checks <file>',
        "probe: the monitors file; its host checks for this probe decide which mounts the unit leaves writable (read on this host's /proc/self/mountinfo)",
      ),
    )
    .addOption(
      new Option('--id <probeId>', 'probe: its id, to pick the host checks that select it'),
    )
    .addOption(
      new Option('--label <key=value>', 'probe: its labels, to pick the host checks that select it')
        .argParser(parseLabels)
        .default({}),
    )
    .addOption(new Option('-o, --out <dir>', 'where to write the unit; - prints it').default('.'))
    .addOption(
      new Option('--user <name>', 'the dedicated user the service runs as').default('vantage'),
    )
    .addOption(
      new Option('--env-file <file>', 'VANTAGE_* settings (default /etc/vantage/ROLE.env)'),
    )
    .addOption(new Option('--node <path>', 'the node binary').default(process.execPath))
    .addOption(new Option('--vantage <path>', "the installation's bin/vantage.js").default(OWN_BIN))
    .addOption(
      new Option('--browser', "probe: it runs browser checks (allows Chromium's own sandbox)"),
    )
    .action(async (flags: SystemdFlags) => {
      let hostChecks = false
      let watched: string[] = []
      if (flags.checks) {
        const outcome = await loadMonitors(flags.checks)
        process.stderr.write(formatWarnings(outcome.warnings, 'vantage infra systemd: '))
        if (!outcome.ok) {
          process.stderr.write(
            `vantage infra systemd: ${flags.checks} has ${outcome.errors.length} error(s):\n${outcome.errors.map((e) => `  ${e}`).join('\n')}\n`,
          )
          process.exit(1)
        }
        if (flags.role === 'probe') {
          const probe = { id: flags.id, labels: flags.label }
          hostChecks = hostChecksFor(outcome.config, probe).length > 0
          const mounts = visibleMounts(await readMountinfo())
          watched = readOnlyWatchedMounts(outcome.config, probe, mounts)
        }
      } else if (flags.role === 'probe') {
        // Without the checks the unit cannot know what host checks need: assume some.
        hostChecks = true
      }
      const unit = systemdUnit({
        role: flags.role,
        node: flags.node,
        vantage: resolve(flags.vantage),
        user: flags.user,
        envFile: flags.envFile ?? `/etc/vantage/${flags.role}.env`,
        hostChecks,
        watched,
        browser: flags.browser,
        checksKnown: flags.checks !== undefined,
      })
      if (flags.out === '-') {
        process.stdout.write(unit)
        return
      }
      const file = join(resolve(flags.out), unitName(flags.role))
      writeFileSync(file, unit)
      process.stdout.write(
        `wrote ${file}\n` +
          (watched.length > 0 ? `  writable for host.readOnly: ${watched.join(' ')}\n` : '') +
          `  check it: systemd-analyze verify ${file}; systemd-analyze security --offline=true ${file}\n`,
      )
    })
}
