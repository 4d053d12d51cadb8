/**
 * Browser runs' artifacts and the internal incident page.
 *
 * - `GET /api/v1/checks/:id/artifacts?limit=20` a check's runs with artifacts, newest first
 * - `GET /api/v1/artifacts/:resultId` one run's files
 * - `GET /api/v1/artifacts/:resultId/:name` a file: PNG, the trace zip (open it with
 *   `npx playwright-core show-trace`), or the console log
 * - `GET /internal/incidents/:id` the incident with its evidence (incident-page.tsx)
 *
 * Artifacts show what the monitored site showed, logged-in pages included: they need the
 * API token (as a bearer token, or the cookie of `/internal/login`), or on a hub without
 * one a client on the hub's machine. A check with `artifacts: { public: true }` lets
 * anyone see its screenshots (never its trace or log, which carry what was typed).
 */
import { readFileSync } from 'node:fs'
import { Hono, type Context } from 'hono'
import type { CheckSpec } from '../../checks/spec.ts'
import {
  evidenceScreenshot,
  type ArtifactRun,
  type ArtifactStore,
} from '../artifacts/artifact-store.ts'
import type { IncidentWithTimeline } from '../incidents/incident-store.ts'
import { renderIncidentPage } from '../pages/incident-page.tsx'
import { renderPlainPage } from '../pages/plain-page.tsx'
import { internalAccess } from './page-access.ts'
import { secretAccess } from './secret-access.ts'

/** Failing runs start before the incident opens: failAfter runs, and the confirmations. */
export const EVIDENCE_LEAD_MS = 15 * 60_000

export interface ArtifactRouteDeps {
  store: ArtifactStore
  checks: () => CheckSpec[]
  incident?: (incidentId: string) => IncidentWithTimeline | undefined
  project: () => string
  apiToken?: string
  now: () => number
}

const CONTENT_TYPES: Record<string, string> = {
  screenshot: 'image/png',
  trace: 'application/zip',
  log: 'text/plain; charset=utf-8',
}

export function artifactUrl(resultId: string, name: string): string {
  return `/api/v1/artifacts/${resultId}/${name}`
}

function withUrls(run: ArtifactRun) {
  return {
    ...run,
    files: run.files.map((file) => ({ ...file, url: artifactUrl(run.resultId, file.name) })),
  }
}

/** The evidence of an incident: its check's failed runs with artifacts, newest first. */
export function incidentEvidence(
  store: ArtifactStore,
  incident: { checkId: string; startedAt: number; endedAt: number | null },
  now: number,
): { runs: ArtifactRun[]; last: ArtifactRun | undefined } {
  const window = { from: incident.startedAt - EVIDENCE_LEAD_MS, to: (incident.endedAt ?? now) + 1 }
  const runs = store
    .runs(incident.checkId, { ...window, limit: 50 })
    .filter((run) => run.status !== 'up')
  return { runs, last: store.lastFailure(incident.checkId, window) }
}

/**
 * The report's evidence section (Markdown), linking the incident's artifacts; empty
 * when the check kept none. `base` makes the links absolute.
 */
export function evidenceMarkdown(
  store: ArtifactStore,
  incident: { checkId: string; startedAt: number; endedAt: number | null },
  now: number,
  base = '',
): string {
  const { runs, last } = incidentEvidence(store, incident, now)
  if (runs.length === 0) return ''
  const lines = ['## Evidence', '']
  const shot = last ? evidenceScreenshot(last) : undefined
  if (last && shot) {
    lines.push(`![The last failed run](${base}${artifactUrl(last.resultId, shot)})`, '')
  }
  for (const run of runs.slice(0, 10)) {
    const links = run.files.map(
      (file) => `[${file.name}](${base}${artifactUrl(run.resultId, file.name)})`,
    )
    lines.push(
      `- ${new Date(run.createdAt).toISOString()} ${run.errorCode ?? run.status} on ${run.probeId}: ${links.join(', ')}`,
    )
  }
  lines.push('', 'Open a trace with `npx playwright-core show-trace <trace.zip>`.', '')
  return lines.join('\n')
}

export function artifactRoutes(deps: ArtifactRouteDeps): Hono {
  const app = new Hono()
  const allowed = (c: Context) =>
    deps.apiToken ? internalAccess(c, deps.apiToken) : secretAccess(c, undefined).ok
  const denied = (c: Context) => {
    c.header('www-authenticate', 'Bearer')
    return c.json(
      {
        error: deps.apiToken
          ? 'artifacts need the API token: send Authorization: Bearer <token>, or sign in at /internal/login'
          : 'this hub has no API token, so it shows artifacts only to its own machine; start it with --api-token',
      },
      deps.apiToken ? 401 : 403,
    )
  }
  const isPublic = (checkId: string) =>
    deps
      .checks()
      .some((check) => check.id === checkId && check.kind === 'browser' && check.artifacts.public)

  app.get('/api/v1/checks/:id/artifacts', (c) => {
    if (!allowed(c)) return denied(c)
    const limit = Math.min(200, Math.max(1, Number(c.req.query('limit') ?? 20) || 20))
    return c.json(deps.store.runs(c.req.param('id'), { limit }).map(withUrls))
  })

  app.get('/api/v1/artifacts/:resultId', (c) => {
    if (!allowed(c)) return denied(c)
    const run = deps.store.run(c.req.param('resultId'))
    return run
      ? c.json(withUrls(run))
      : c.json({ error: `no artifacts for run "${c.req.param('resultId')}"` }, 404)
  })

  app.get('/api/v1/artifacts/:resultId/:name', (c) => {
    const file = deps.store.file(c.req.param('resultId'), c.req.param('name'))
    if (!file) return c.json({ error: `no artifact "${c.req.param('name')}" for that run` }, 404)
    const open = file.type === 'screenshot' && isPublic(file.checkId)
    if (!open && !allowed(c)) return denied(c)
    let bytes: Buffer
    try {
      bytes = readFileSync(file.path)
    } catch {
      return c.json({ error: 'the artifact is listed but its file is gone' }, 410)
    }
    c.header('content-type', CONTENT_TYPES[file.type] ?? 'application/octet-stream')
    c.header('x-content-type-options', 'nosniff')
    c.header('cache-control', open ? 'public, max-age=86400' : 'private, max-age=86400')
    c.header(
      'content-disposition',
      `${file.type === 'trace' ? 'attachment' : 'inline'}; filename="${file.checkId}-${file.name}"`,
    )
    return c.body(new Uint8Array(bytes))
  })

  if (deps.incident) {
    const find = deps.incident
    app.get('/internal/incidents/:id', async (c) => {
      c.header('cache-control', 'private, no-store')
      if (!internalAccess(c, deps.apiToken)) {
        return c.html(
          renderPlainPage('Internal view', 'Sign in with the API token.', '/internal/login'),
          401,
        )
      }
      const incident = find(c.req.param('id'))
      if (!incident) return c.html(renderPlainPage('Not found', 'There is no such incident.'), 404)
      const now = deps.now()
      const { runs, last } = incidentEvidence(deps.store, incident, now)
      const spec = deps.checks().find((check) => check.id === incident.checkId)
      return c.html(
        await renderIncidentPage({
          project: deps.project(),
          checkName: spec?.name ?? incident.checkId,
          incident,
          evidence: last ? { run: last, screenshot: evidenceScreenshot(last) } : undefined,
          runs,
          fileUrl: artifactUrl,
          now,
        }),
      )
    })
  }

  return app
}
