/** `vantage validate`: checks a monitors file and lists every error, for CI. */
import { Command } from 'commander'
import { describeSelector } from '../checks/spec.ts'
import { formatWarnings, loadMonitors } from './load-monitors.ts'

export function validateCommand(): Command {
  return new Command('validate')
    .description(
      'validate a monitors file and list every error with its path (browser scripts are type-checked and bundled); exits 1 on errors',
    )
    .argument('<file>', 'monitors file, e.g. ./monitors.ts')
    .action(async (file: string) => {
      const outcome = await loadMonitors(file, { typeCheck: true })
      // Warnings first: an unset variable often explains the errors below.
      process.stderr.write(formatWarnings(outcome.warnings))
      if (!outcome.ok) {
        process.stderr.write(
          `${file}: ${outcome.errors.length} error(s)\n${outcome.errors.map((e) => `  ${e}`).join('\n')}\n`,
        )
        process.exit(1)
      }
      const { checks, channels } = outcome.config
      process.stdout.write(
        `${file}: OK, ${checks.length} check(s), ${channels.length} channel(s)\n`,
      )
      // Columns as wide as their longest entry, so a long id or kind never shifts a row.
      const idWidth = Math.max(24, ...checks.map((check) => check.id.length))
      const kindWidth = Math.max(10, ...checks.map((check) => check.kind.length))
      for (const check of checks) {
        // Host checks run on the probes they select rather than in regions.
        const where = 'on' in check ? `on ${describeSelector(check.on)}` : check.regions.join(', ')
        process.stdout.write(
          `  ${check.id.padEnd(idWidth)} ${check.kind.padEnd(kindWidth)} every ${check.every.padEnd(5)} ${where}\n`,
        )
      }
    })
}
