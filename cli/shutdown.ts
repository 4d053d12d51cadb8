/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits. A second signal while
 * stopping exits at once, for the impatient Ctrl-C Ctrl-C.
 */
export function onShutdown(
  stop: () => Promise<void>,
  write = (line: string) => process.stderr.write(line),
): void {
  let stopping = false
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      write(`${signal} again: exiting now\n`)
      process.exit(130)
    }
    stopping = true
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        write(`shutdown failed: ${(error as Error).message}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
}
