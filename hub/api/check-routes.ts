/**
 * Check routes: the paged list, one check, its history for charts, and its availability
 * over any window.
 *
 * - `GET /api/v1/checks?limit&cursor&state&tag&q&window` a page of checks in the monitoring
 *   file's order: `{ checks, total, summary, nextCursor }`. `state` (up, down, partial,
 *   degraded, insufficient, unknown; several comma-separated) and `tag` (repeatable)
 *   filter, `q` matches id, name and target case-insensitively; `summary` counts every
 *   check by state, whatever the filter. `limit` 1-500, default 50; follow `nextCursor`
 *   until it is null for the rest. `window=30d` adds each check's availability over the
 *   last 30 days (`window`: from, to, edgeGrain, availability), the same figures as its
 *   `/availability?window=30d`.
 * - `GET /api/v1/checks/:id` one check with its recent results, the last hour by minute
 *   and outages; `?window=7d` (or 1h, 24h, 30d, 90d) adds its availability and latency
 *   over that window
 * - `GET /api/v1/checks/:id/history?from&to&step` buckets for a chart: from and to are
 *   epoch ms or ISO 8601 (default: the last 24 hours), step a duration (default: about
 *   100 buckets), at most 1,500 buckets
 * - `GET /api/v1/checks/:id/availability?window=30d` or `?from&to`: availability, latency
 *   percentiles, runs and state time over the window
 *
 * Answers 400 with `error` naming the parameter for a bad query, 404 for an unknown check.
 */
import { Hono, type Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { parseDuration } from '../../checks/duration.ts'
import { regionsOf, type CheckSpec } from '../../checks/spec.ts'
import type { CheckAlertState, CheckAlertStatus, Outage } from '../alerts/alert-state.ts'
import type { HeartbeatDirectory } from '../heartbeats/heartbeats.ts'
import type { ResultStore } from '../store/result-store.ts'
import {
  buildCheckHistory,
  buildWindowView,
  HistoryRequestError,
  NAMED_WINDOWS,
} from '../views/check-history.ts'
import { buildCheckDetail, buildCheckView, type CheckViewSources } from '../views/check-view.ts'
import { CHECK_STATES, filterChecks } from '../views/check-filter.ts'
import type { ReadModel } from '../views/read-model.ts'
import { windowAvailabilities } from '../views/window-availability.ts'
import { heartbeatView, pingBaseUrl } from './heartbeat-routes.ts'
import { answerOf, ResponseCache, sendAnswer } from './response-cache.ts'
import { secretAccess } from './secret-access.ts'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500
const STATES: readonly CheckAlertStatus[] = CHECK_STATES
/**
 * Windows the list sums for every check on a page: the read model keeps 30 days of run
 * counts for it (1 h and 24 h are in every check already); other windows are one check's.
 */
export const LIST_WINDOWS: readonly string[] = ['30d']
/**
 * How long a built page of the list is kept while no state and no result of a check on
 * it changed: its 1 h and 24 h figures move with the clock, a minute at a time.
 */
export const LIST_MAX_AGE_MS = 5_000

export interface CheckRouteDeps {
  checks: () => CheckSpec[]
  results: ResultStore
  alertState: (checkId: string) => CheckAlertState
  outages: (checkId: string, from: number, to: number) => Outage[]
  maintenanceWindows?: CheckViewSources['maintenanceWindows']
  heartbeats?: HeartbeatDirectory
  /** The hub's read model: states, newest results and counts from memory, answers kept. */
  readModel?: ReadModel
  apiToken?: string
  publicUrl?: string
  now: () => number
}

function bad(message: string): never {
  throw new HTTPException(400, { message })
}

/** Epoch ms or an ISO 8601 date. */
function timeParam(c: Context, name: string): number | undefined {
  const raw = c.req.query(name)
  if (raw === undefined || raw === '') return undefined
  const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw)
  if (!Number.isFinite(value))
    bad(`${name}: expected epoch milliseconds or an ISO 8601 date, got "${raw}"`)
  return value
}

function durationParam(c: Context, name: string): number | undefined {
  const raw = c.req.query(name)
  if (raw === undefined || raw === '') return undefined
  try {
    const ms = /^\d+$/.test(raw) ? Number(raw) : parseDuration(raw)
    if (ms > 0) return ms
  } catch {
    // reported below
  }
  return bad(`${name}: expected a duration such as 5m, 1h or 1d, got "${raw}"`)
}

/** A named window ending now, or from/to. */
function windowOf(c: Context, now: number, fallback: number): { from: number; to: number } {
  const name = c.req.query('window')
  if (name !== undefined) {
    const length = NAMED_WINDOWS[name]
    if (length === undefined) {
      bad(
        `window: expected one of ${Object.keys(NAMED_WINDOWS).join(', ')}, got "${name}"; or give from and to`,
      )
    }
    return { from: now - length, to: now }
  }
  const to = timeParam(c, 'to') ?? now
  const from = timeParam(c, 'from') ?? to - fallback
  if (!(to > from)) bad(`from must be before to (from ${from}, to ${to})`)
  return { from, to }
}

/** A step that makes about 100 buckets, in round units. */
function defaultStep(length: number): number {
  for (const step of [
    60_000,
    300_000,
    900_000,
    3_600_000,
    6 * 3_600_000,
    86_400_000,
    7 * 86_400_000,
  ]) {
    if (length / step <= 120) return step
  }
  return 7 * 86_400_000
}

function cursorOf(checkId: string): string {
  return Buffer.from(JSON.stringify({ after: checkId })).toString('base64url')
}

function afterOf(cursor: string): string {
  try {
    const after = (
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown }
    ).after
    if (typeof after === 'string') return after
  } catch {
    // reported below
  }
  return bad('cursor: not a cursor this hub handed out; start again without one')
}

/** Each check's place in the deployed list, made once per list. */
const POSITIONS = new WeakMap<CheckSpec[], Map<string, number>>()
function positions(all: CheckSpec[]): Map<string, number> {
  let found = POSITIONS.get(all)
  if (!found) POSITIONS.set(all, (found = new Map(all.map((spec, i) => [spec.id, i]))))
  return found
}

export function checkRoutes(deps: CheckRouteDeps): Hono {
  const app = new Hono()
  const sources = () => ({ ...deps, history: deps.results.history })

  const findCheck = (id: string): CheckSpec => {
    const spec = deps.checks().find((check) => check.id === id)
    if (!spec) throw new HTTPException(404, { message: `no check "${id}"` })
    return spec
  }

  const historyError = (fn: () => unknown) => {
    try {
      return fn()
    } catch (error) {
      if (error instanceof HistoryRequestError || error instanceof RangeError) bad(error.message)
      throw error
    }
  }

  const lists = new ResponseCache(128)
  const filters = new Map<
    string,
    ReturnType<typeof filterChecks> & { version: number; all: CheckSpec[] }
  >()
  app.get('/api/v1/checks', async (c) => {
    const limitRaw = c.req.query('limit')
    const limit = limitRaw === undefined ? DEFAULT_LIMIT : Number(limitRaw)
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      bad(`limit: expected a whole number from 1 to ${MAX_LIMIT}, got "${limitRaw}"`)
    }
    const states = (c.req.query('state') ?? '').split(',').filter(Boolean)
    for (const state of states) {
      if (!STATES.includes(state as CheckAlertStatus)) {
        bad(`state: expected one of ${STATES.join(', ')}, got "${state}"`)
      }
    }
    const tags =
      c.req
        .queries('tag')
        ?.flatMap((tag) => tag.split(','))
        .filter(Boolean) ?? []
    const q = c.req.query('q')?.toLowerCase()
    const cursor = c.req.query('cursor')
    const windowName = c.req.query('window')
    if (windowName !== undefined && !LIST_WINDOWS.includes(windowName)) {
      bad(
        `window: the list gives ${LIST_WINDOWS.join(', ')} (1h and 24h are in every check), got "${windowName}"; ask /api/v1/checks/:id/availability for another window`,
      )
    }
    const now = deps.now()

    const all = deps.checks()
    const model = deps.readModel
    const statusOf = (id: string) => (model ? model.statusOf(id) : deps.alertState(id).status)
    // With the read model, the filter's outcome changes only with its version (states, deploys).
    const filterKey = `${states.join(',')}|${tags.join(',')}|${q ?? ''}`
    let filtered = model ? filters.get(filterKey) : undefined
    if (!filtered || filtered.version !== model!.version() || filtered.all !== all) {
      filtered = {
        version: model?.version() ?? 0,
        all,
        ...filterChecks(all, statusOf, { states, tags, q }),
      }
      if (model) {
        filters.set(filterKey, filtered)
        if (filters.size > 64) filters.delete(filters.keys().next().value!)
      }
    }
    const { summary, matching } = filtered
    let start = 0
    if (cursor !== undefined) {
      const after = afterOf(cursor)
      const index = all.findIndex((spec) => spec.id === after)
      if (index === -1)
        bad(`cursor: check "${after}" is no longer deployed; start again without a cursor`)
      const position = positions(all)
      start = matching.findIndex((spec) => position.get(spec.id)! > index)
      if (start === -1) start = matching.length
    }
    const page = matching.slice(start, start + limit)
    const more = start + limit < matching.length
    const build = () => {
      const windows = windowName
        ? windowAvailabilities(sources(), page, now - NAMED_WINDOWS[windowName]!, now)
        : null
      return answerOf(
        JSON.stringify({
          checks: page.map((spec, i) =>
            windows
              ? { ...buildCheckView(deps, spec, now), window: windows[i] }
              : buildCheckView(deps, spec, now),
          ),
          total: matching.length,
          summary,
          nextCursor: more ? cursorOf(page.at(-1)!.id) : null,
        }),
        'application/json; charset=utf-8',
      )
    }
    // With the read model the answer is kept until a state, a result of a check on the
    // page or the clock (LIST_MAX_AGE_MS) changes it; a client with its ETag gets 304.
    const answer = model
      ? await lists.get(
          new URL(c.req.url).search,
          `${model.version()}:${page.map((spec) => model.checkVersion(spec.id)).join(',')}`,
          now,
          LIST_MAX_AGE_MS,
          build,
        )
      : build()
    return sendAnswer(c, answer)
  })

  app.get('/api/v1/checks/:id', (c) => {
    const spec = findCheck(c.req.param('id'))
    const now = deps.now()
    const detail: Record<string, unknown> = { ...buildCheckDetail(deps, spec, now) }
    if (c.req.query('window') !== undefined) {
      const { from, to } = windowOf(c, now, NAMED_WINDOWS['24h']!)
      detail.window = historyError(() =>
        buildWindowView(sources(), spec, from, to, regionsOf(spec) ?? []),
      )
    }
    const heartbeat = deps.heartbeats?.info(spec.id)
    if (!heartbeat) return c.json(detail)
    const base = secretAccess(c, deps.apiToken).ok ? pingBaseUrl(c, deps.publicUrl) : null
    return c.json({ ...detail, heartbeat: heartbeatView(heartbeat, base) })
  })

  app.get('/api/v1/checks/:id/history', (c) => {
    const spec = findCheck(c.req.param('id'))
    const now = deps.now()
    const { from, to } = windowOf(c, now, NAMED_WINDOWS['24h']!)
    const step = durationParam(c, 'step') ?? defaultStep(to - from)
    return c.json(historyError(() => buildCheckHistory(sources(), spec, { from, to, step }, now)))
  })

  app.get('/api/v1/checks/:id/availability', (c) => {
    const spec = findCheck(c.req.param('id'))
    const { from, to } = windowOf(c, deps.now(), NAMED_WINDOWS['24h']!)
    return c.json(
      historyError(() => buildWindowView(sources(), spec, from, to, regionsOf(spec) ?? [])),
    )
  })

  return app
}
