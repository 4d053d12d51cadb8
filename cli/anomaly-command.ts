/** `vantage anomaly score FILE.csv`: the hub's anomaly detector over any CSV. */
import { createReadStream } from 'node:fs'
import { Command } from 'commander'
import { scoreCsv } from './anomaly-score.ts'

export function anomalyCommand(): Command {
  const anomaly = new Command('anomaly').description(
    "the hub's latency anomaly detector, on your own data",
  )
  anomaly
    .command('score')
    .description(
      'score a timestamp,value CSV row by row with the detector the hub runs (each row sees only the rows before it); writes timestamp,value,anomaly_score to standard output, for NAB or a spreadsheet. Exits 1 on a row it cannot read',
    )
    .argument('<file>', 'CSV with a header line, then timestamp,value rows (- for standard input)')
    .option('--up', 'score only values above what was expected, as the hub does for latency')
    .addHelpText(
      'after',
      `
Scores run from 0 to 1; 0.5 is as surprising as the series' recent record, and the hub
treats 0.52 and up as an anomaly candidate. Timestamps: ISO 8601, "2014-04-10 07:15:00"
(UTC), or epoch seconds or milliseconds.

Example:
  vantage anomaly score nyc_taxi.csv > vantage_nyc_taxi.csv`,
    )
    .action(async (file: string, options: { up?: boolean }) => {
      // `... | head` closes the pipe early: that is the reader's choice, not an error.
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(0)
        throw error
      })
      const input = file === '-' ? process.stdin : createReadStream(file)
      try {
        await scoreCsv(input, process.stdout, options)
      } catch (error) {
        process.stderr.write(`${file}: ${(error as Error).message}\n`)
        process.exit(1)
      }
    })
  return anomaly
}
