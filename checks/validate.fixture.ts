/** Helpers for tests of whole monitoring projects. */
import type { MonitoringInput } from './define.ts'
import { validateMonitoring, type MonitoringConfig } from './validate.ts'

/** The errors of a project that must be rejected; throws if it validates. */
export function errorsOf(input: unknown): string[] {
  const outcome = validateMonitoring(input)
  if (outcome.ok) throw new Error('expected the config to be rejected')
  return outcome.errors
}

/** The validated config of a project that must be valid; throws with its errors if not. */
export function configOf(input: MonitoringInput): MonitoringConfig {
  const outcome = validateMonitoring(input)
  if (!outcome.ok) throw new Error(`expected a valid config, got:\n${outcome.errors.join('\n')}`)
  return outcome.config
}
