/**
 * A test and debugging aid, off by default: with `VANTAGE_PROBE_AUDIT_LOG=<file>`
 * the probe appends one JSON line `{ id, checkId, scheduledAt }` for every result
 * it commits to its outbox. The outbox forgets a result once the hub acks it, so
 * this file is how the fault tests know exactly which results a probe produced and
 * compare that with what the hub stored. It grows without bound: never leave it on.
 */
import { appendFileSync } from 'node:fs'
import type { CheckResult } from '../checks/result.ts'

export type AuditLog = (results: readonly CheckResult[]) => void

export interface AuditEntry {
  id: string
  checkId: string
  scheduledAt: number
}

/** The audit log named by the environment, or undefined when it is off. */
export function auditLogFromEnv(env: NodeJS.ProcessEnv = process.env): AuditLog | undefined {
  const file = env.VANTAGE_PROBE_AUDIT_LOG
  if (!file) return undefined
  return (results) => {
    if (results.length === 0) return
    const lines = results.map((result) => {
      const entry: AuditEntry = {
        id: result.id,
        checkId: result.checkId,
        scheduledAt: result.scheduledAt,
      }
      return `${JSON.stringify(entry)}\n`
    })
    // Synchronous and after the outbox commit, so a SIGKILL can only leave an id in
    // the outbox without its audit line, never an audit line for an uncommitted result.
    appendFileSync(file, lines.join(''))
  }
}
