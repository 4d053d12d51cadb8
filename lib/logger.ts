/**
 * JSON logs (pino) go to standard error so that standard output stays for what
 * a person reads: alert lines, the status page URL, CLI tables.
 */
import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger(
  name: string,
  level = process.env.VANTAGE_LOG_LEVEL ?? 'info',
): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination(2))
}

/** A logger that drops everything, for tests that don't inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
