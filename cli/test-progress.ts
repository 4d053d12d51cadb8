/**
 * Live progress of `vantage test` on stderr, so stdout keeps only the report. On a
 * terminal: one line redrawn in place (done/total and what is still running), erased
 * at the end. Elsewhere (CI logs, pipes): one line per finished check, because
 * redrawing means nothing in a log file.
 */
import { formatMs } from '../checks/assertions.ts'
import type { CheckResult } from '../checks/result.ts'
import type { CheckSpec } from '../checks/spec.ts'
import { colorsWanted, palette } from './colors.ts'

export interface Progress {
  start(check: CheckSpec): void
  finish(result: CheckResult): void
  /** Erases the live line; call before the report. */
  end(): void
}

/** Redraw often enough to look alive, rarely enough to cost nothing. */
const REDRAW_MS = 120
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const ERASE_LINE = '\r\x1b[2K'

export function createProgress(stream: NodeJS.WriteStream, total: number): Progress {
  const colors = palette(colorsWanted(stream))
  const running = new Set<string>()
  let done = 0

  if (!stream.isTTY) {
    const width = String(total).length
    return {
      start: () => undefined,
      finish(result) {
        done += 1
        const count = `[${String(done).padStart(width)}/${total}]`
        stream.write(
          `${count} ${result.status.padEnd(12)} ${result.checkId} ${formatMs(result.durationMs)}\n`,
        )
      },
      end: () => undefined,
    }
  }

  let frame = 0
  const draw = (): void => {
    frame = (frame + 1) % SPINNER.length
    const names = [...running].join(', ')
    // Keep to one screen line, or the erase leaves the wrapped part behind.
    const line = `${SPINNER[frame]} ${done}/${total} done${names ? `, running: ${names}` : ''}`
    const width = Math.max(20, (stream.columns || 80) - 1)
    stream.write(
      `${ERASE_LINE}${colors.dim(line.length > width ? `${line.slice(0, width - 1)}…` : line)}`,
    )
  }
  // unref: the live line must never keep the command from exiting.
  const timer = setInterval(draw, REDRAW_MS).unref()
  return {
    start(check) {
      running.add(check.id)
      draw()
    },
    finish(result) {
      done += 1
      running.delete(result.checkId)
      draw()
    },
    end() {
      clearInterval(timer)
      stream.write(ERASE_LINE)
    },
  }
}
