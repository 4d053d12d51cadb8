/**
 * `vantage test`: runs the checks of a monitors file once, here and now, and prints
 * what each one found. It exits 1 when any check is down, so CI can gate a deploy
 * on it (like `checkly test`); degraded and inconclusive are reported but pass.
 */
import { Command, InvalidArgumentError, Option } from 'commander'
import { formatMs } from '../checks/assertions.ts'
import { checksHash } from '../checks/bundle.ts'
import type { CheckResult } from '../checks/result.ts'
import { formatWarnings, loadMonitors } from './load-monitors.ts'
import { colorsWanted } from './colors.ts'
import { startLocalBrowser } from './local-browser.ts'
import { runLocally } from './run-local.ts'
import { createProgress } from './test-progress.ts'
import { formatReport, formatSummary, formatVerdict, tally, type ReportRow } from './test-report.ts'
import { selectChecks } from './test-selection.ts'

interface TestFlags {
  grep?: RegExp
  region?: string
  host?: boolean
  json?: boolean
  artifacts?: string
}

/** Enough to overlap slow targets, few enough not to look like a load test to them. */
const CONCURRENCY = 8
/** Results are stamped as if from a probe with this id. */
const LOCAL_PROBE_ID = 'local'

function parseGrep(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'i')
  } catch (error) {
    throw new InvalidArgumentError(`not a regular expression: ${(error as Error).message}`)
  }
}

/**
 * Exits once stdout is flushed. Exiting explicitly, rather than waiting for the
 * event loop to drain, keeps CI from hanging on a runner that left a socket open
 * after its timeout: runCheck returns at the timeout whatever the runner does.
 */
function exitAfterFlush(code: number): Promise<never> {
  return new Promise(() => process.stdout.write('', () => process.exit(code)))
}

function fail(message: string): Promise<never> {
  process.stderr.write(`${message}\n`)
  return exitAfterFlush(1)
}

export function testCommand(): Command {
  return new Command('test')
    .description(
      'run the checks of a monitors file once, locally, and report; exits 1 when any check is down',
    )
    .argument('[file]', 'monitors file (TypeScript or JavaScript)', './monitors.ts')
    .addOption(
      new Option(
        '-g, --grep <pattern>',
        'only checks whose id or name matches this regular expression (case-insensitive)',
      ).argParser(parseGrep),
    )
    .option('-r, --region <name>', 'only checks that run in this region; results carry its name')
    .option('--host', 'also run host checks (host.*) against this machine')
    .option('--json', 'print the results as a JSON array of CheckResult on stdout, nothing else')
    .option(
      '--artifacts <dir>',
      "keep browser checks' screenshots, trace and console log in DIR (open a trace with npx playwright-core show-trace)",
    )
    .addHelpText(
      'after',
      `
Checks run ${CONCURRENCY} at a time from this machine. Kinds that cannot run here (heartbeats,
kinds without a local runner), host checks unless --host, and disabled checks are listed as
skipped.

Exit codes: 0 when no check is down (degraded and inconclusive pass), 1 when one is down,
when the monitors file has errors, or when no check matches --grep/--region.

Examples:
  vantage test                              every check in ./monitors.ts
  vantage test monitors.ts --grep '^api-'   only the API checks
  vantage test --region eu-west --json > results.json`,
    )
    .action(async (file: string, flags: TestFlags) => {
      const outcome = await loadMonitors(file)
      process.stderr.write(formatWarnings(outcome.warnings))
      if (!outcome.ok) {
        const errors = outcome.errors.map((error) => `  ${error}`).join('\n')
        return fail(`${file}: ${outcome.errors.length} error(s)\n${errors}`)
      }
      const { checks } = outcome.config
      const selection = selectChecks(checks, {
        grep: flags.grep,
        region: flags.region,
        includeHost: flags.host,
      })
      if (selection.run.length + selection.skipped.length === 0) {
        const filters = [
          flags.grep ? `--grep ${flags.grep.source}` : '',
          flags.region ? `--region ${flags.region}` : '',
        ].filter(Boolean)
        return fail(
          `${file}: no check matches ${filters.join(' and ') || '(the file has no checks)'}; ${checks.length} check(s) in the file`,
        )
      }

      const log = (line: string) => process.stderr.write(`${line}\n`)
      const notRun = [
        selection.skipped.length > 0 ? `${selection.skipped.length} skipped` : '',
        selection.filteredOut > 0 ? `${selection.filteredOut} left out by the filters` : '',
      ].filter(Boolean)
      log(
        `Running ${selection.run.length} check(s) from ${file}${notRun.map((part) => `, ${part}`).join('')}`,
      )
      const browser = await startLocalBrowser(selection.run, flags.artifacts)
      if (browser.problem) log(`browser checks cannot run here: ${browser.problem}`)
      const progress = createProgress(process.stderr, selection.run.length)
      const started = performance.now()
      const results = await runLocally(selection.run.map(browser.prepare), {
        concurrency: CONCURRENCY,
        region: flags.region ?? 'local',
        probeId: LOCAL_PROBE_ID,
        configVersion: `local-${checksHash(checks)}`,
        onStart: (check) => progress.start(check),
        onResult: (result) => progress.finish(result),
        browser: browser.engine,
      })
      progress.end()
      await browser.stop()
      const elapsedMs = performance.now() - started

      const byId = new Map<string, CheckResult>(results.map((result) => [result.checkId, result]))
      const skippedById = new Map(selection.skipped.map((entry) => [entry.check.id, entry.reason]))
      const rows: ReportRow[] = []
      for (const check of checks) {
        const result = byId.get(check.id)
        const skipped = skippedById.get(check.id)
        if (result) rows.push({ check, result })
        else if (skipped !== undefined) rows.push({ check, skipped })
      }
      const counts = tally(rows)

      if (flags.json) {
        process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
        for (const { check, reason } of selection.skipped) log(`skipped ${check.id}: ${reason}`)
        log(`${formatSummary(counts)} in ${formatMs(elapsedMs)}`)
        log(formatVerdict(counts))
      } else {
        process.stdout.write(
          formatReport(rows, { colors: colorsWanted(process.stdout), elapsedMs }),
        )
      }
      for (const [checkId, dir] of browser.kept) {
        log(
          `artifacts of ${checkId}: ${dir} (trace: npx playwright-core show-trace ${dir}/trace.zip)`,
        )
      }
      return exitAfterFlush(counts.down > 0 ? 1 : 0)
    })
}
