/**
 * Exact bookkeeping for the fault tests: which results the probes produced (the
 * "result queued" lines of their debug logs, written right after the outbox commit), which the hub stored (its SQLite file, read while
 * it runs), and a way to empty a probe's outbox without producing anything new.
 */
import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import type { CheckResult } from '../../checks/result.ts'
import { decodePack } from '../../hub/history/rollup-pack.ts'
import { ResultReads } from '../../hub/store/result-reads.ts'
import { startProbeProcess, waitFor } from './processes.ts'

export function query<T>(file: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return db.prepare(sql).all(...params) as T[]
  } finally {
    db.close()
  }
}

/** Every raw result the hub stored (folded or still in its journal), from its SQLite file. */
export function storedRaw(file: string): CheckResult[] {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return new ResultReads(db).all()
  } finally {
    db.close()
  }
}

/** Raw rows, distinct ids, and results counted by the minute rollups: all equal when nothing is doubled. */
export function hubCounts(hubDb: string): { raw: number; distinct: number; rollup: number } {
  const stored = storedRaw(hubDb)
  const raw = { n: stored.length, d: new Set(stored.map((result) => result.id)).size }
  let rollup = 0
  for (const { cells } of query<{ cells: Buffer }>(hubDb, 'SELECT cells FROM rollup_minutes')) {
    for (const c of decodePack(cells, 'minutes').values()) {
      rollup += c.up + c.degraded + c.down + c.inconclusive
    }
  }
  return { raw: raw.n, distinct: raw.d, rollup }
}

/** Stored result id → measurement time. */
export function storedResults(hubDb: string): Map<string, number> {
  return new Map(storedRaw(hubDb).map((result) => [result.id, result.scheduledAt]))
}

/** Waits until every id in `ids` is stored in the hub's database. */
export async function waitForStored(
  hubDb: string,
  ids: readonly string[],
  what: string,
  timeoutMs?: number,
): Promise<void> {
  await waitFor(
    what,
    () => {
      const stored = storedResults(hubDb)
      return ids.every((id) => stored.has(id))
    },
    timeoutMs,
  )
}

export interface ProducedResult {
  id: string
  checkId: string
  scheduledAt: number
}

/** Every result a probe committed to its outbox, from its debug log (the process's stderr). */
export function producedResults(logs: string): ProducedResult[] {
  const produced: ProducedResult[] = []
  for (const line of logs.split('\n')) {
    if (!line.includes('"result queued"')) continue
    const entry = JSON.parse(line) as { resultId: string; checkId: string; scheduledAt: number }
    produced.push({ id: entry.resultId, checkId: entry.checkId, scheduledAt: entry.scheduledAt })
  }
  return produced
}

export function outboxIds(outboxDb: string): string[] {
  if (!existsSync(outboxDb)) return []
  return query<{ id: string }>(outboxDb, 'SELECT id FROM outbox').map((row) => row.id)
}

/**
 * Replays a stopped probe's outbox to the hub and waits until it is empty. The probe
 * comes back with its id and data directory but a region no check runs in, so it
 * replays through the normal publisher and acks, and measures nothing new: what the
 * test counts afterwards is final.
 */
export async function drainOutbox(options: {
  mqttUrl: string
  id: string
  dataDir: string
  outboxDb: string
}): Promise<void> {
  const drainer = await startProbeProcess({
    mqttUrl: options.mqttUrl,
    id: options.id,
    region: 'drain-only',
    dataDir: options.dataDir,
  })
  try {
    await waitFor('the outbox to drain', () => outboxIds(options.outboxDb).length === 0, 45_000)
  } finally {
    await drainer.stop()
  }
}
