/**
 * Incident routes, for `vantage incidents`, `vantage ack` and post-incident review.
 *
 * - `GET /api/v1/incidents` newest first; `?check=ID&open=true|false&kind=down&since=MS&limit=50`
 * - `GET /api/v1/incidents/:id` the incident, its timeline, impact, sample results and
 *   what the dispatcher did about it (`notifications`)
 * - `GET /api/v1/incidents/:id/report` the correction-of-error report (text/markdown)
 * - `POST /api/v1/incidents/:id/ack` `{ by?, comment? }`: acknowledges it, which stops
 *   reminders and escalation. Needs the API token, or a client on the hub machine when
 *   the hub has none (secret-access.ts), like deploys: anyone who can ack can silence
 *   the pager.
 *
 * Reads are open like `/api/v1/checks`: the status page shows the same outages.
 * Answers: 400 for a bad query or body, 404 for an unknown incident, 409 when it is
 * already acknowledged or resolved, 413 for an ack body past 16 KiB, 415 for an ack body
 * that is not JSON.
 */
import type { IncidentDetail, IncidentListItem } from './contract.ts'
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { AcknowledgeOutcome } from '../alerts/dispatch/dispatcher.ts'
import type { IncidentImpact } from '../incidents/incident-impact.ts'
import {
  buildIncidentReport,
  type RecentDeploy,
  type ReportEvent,
} from '../incidents/incident-report.ts'
import type {
  Incident,
  IncidentFilter,
  IncidentStore,
  IncidentWithTimeline,
} from '../incidents/incident-store.ts'
import type { SampleResult } from '../incidents/incident-results.ts'
import { issueLines, readValidBody } from './json-body.ts'
import { secretAccess } from './secret-access.ts'

/** Sample results in the detail view and the report: one per region and a few more. */
export const INCIDENT_SAMPLES = 10
/** Most incidents one list returns; a longer history is paged with `since`. */
const MAX_LIST_LIMIT = 500
/** Longest `by` and `comment` an ack keeps: a name and a sentence or two. */
const MAX_ACK_BY = 100
const MAX_ACK_COMMENT = 1_000
/** An ack body is a name and a comment; anything past this is not one. */
export const MAX_ACK_BODY_BYTES = 16 * 1024

/** The dispatcher's answer to an ack; a refusal carries the status these routes answer with. */
export type { AcknowledgeOutcome }

export interface IncidentRouteDeps {
  incidents: IncidentStore
  impact: (incident: IncidentWithTimeline) => IncidentImpact
  samples: (incident: Incident, limit: number) => SampleResult[]
  /** The dispatcher's acknowledge: records it and tells the channels that were paged. */
  acknowledge: (incidentId: string, by: string, comment?: string) => AcknowledgeOutcome
  /** The dispatcher's bookkeeping for an incident, shown as `notifications`. */
  describe?: (incidentId: string) => Record<string, unknown> | null
  project: () => string
  /** The deployed check's display name; undefined when it has none or is gone. */
  checkName: (checkId: string) => string | undefined
  /** Deploys in the half hour before the incident's failure began, for the report. */
  deploysBefore?: (incident: Incident) => RecentDeploy[]
  /** The event log's changes in the hour before it, deploys first, for the report. */
  eventsBefore?: (incident: Incident) => ReportEvent[]
  /**
   * A browser check's evidence for the report (Markdown, links under `base`); empty
   * when it kept none.
   */
  evidence?: (incident: Incident, base: string) => string
  /** When set, acks need it as a bearer token; otherwise loopback clients only. */
  apiToken?: string
  now: () => number
}

const KINDS = [
  'down',
  'degraded',
  'flapping',
  'region',
  'probe',
  'channel',
  'anomaly',
  'slo',
] as const

const listQuery = z.strictObject({
  check: z.string().min(1).optional(),
  open: z.enum(['true', 'false']).optional(),
  kind: z.enum(KINDS).optional(),
  since: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
})

const ackBody = z.strictObject({
  by: z.string().trim().min(1).max(MAX_ACK_BY).optional(),
  comment: z.string().trim().max(MAX_ACK_COMMENT).optional(),
})

/**
 * @example
 * app.route('/', incidentRoutes({ incidents, impact, samples, acknowledge, project, checkName, now }))
 */
export function incidentRoutes(deps: IncidentRouteDeps): Hono {
  const app = new Hono()

  const listItem = (incident: Incident, now: number): IncidentListItem => ({
    id: incident.incidentId,
    kind: incident.kind,
    check: incident.checkId,
    name: deps.checkName(incident.checkId) ?? incident.checkId,
    start: incident.startedAt,
    end: incident.endedAt,
    open: incident.endedAt === null,
    durationMs: Math.max(0, (incident.endedAt ?? now) - incident.startedAt),
    regions: incident.regions,
    firstError: incident.firstError,
    acked:
      incident.ackedAt === null
        ? null
        : { by: incident.ackedBy ?? 'unknown', at: incident.ackedAt },
    closedReason: incident.closedReason ?? null,
  })

  const find = (c: Context): IncidentWithTimeline | Response => {
    const id = c.req.param('id') ?? ''
    return deps.incidents.get(id) ?? c.json({ error: `no incident "${id}"` }, 404)
  }

  app.get('/api/v1/incidents', (c) => {
    const query = c.req.query()
    const parsed = listQuery.safeParse(query)
    if (!parsed.success) {
      return c.json({ error: 'the query is invalid', errors: issueLines(parsed.error, query) }, 400)
    }
    const { check, open, kind, since, limit } = parsed.data
    const filter: IncidentFilter = { checkId: check, kind, since, limit }
    if (open !== undefined) filter.open = open === 'true'
    const now = deps.now()
    return c.json(deps.incidents.find(filter).map((incident) => listItem(incident, now)))
  })

  app.get('/api/v1/incidents/:id', (c) => {
    const incident = find(c)
    if (incident instanceof Response) return incident
    const detail: IncidentDetail = {
      ...listItem(incident, deps.now()),
      timeline: incident.timeline,
      impact: deps.impact(incident),
      samples: deps.samples(incident, INCIDENT_SAMPLES),
      notifications: deps.describe?.(incident.incidentId) ?? null,
    }
    return c.json(detail)
  })

  app.get('/api/v1/incidents/:id/report', (c) => {
    const incident = find(c)
    if (incident instanceof Response) return incident
    const markdown = buildIncidentReport({
      project: deps.project(),
      checkName: deps.checkName(incident.checkId) ?? incident.checkId,
      incident,
      impact: deps.impact(incident),
      samples: deps.samples(incident, INCIDENT_SAMPLES),
      deploysBefore: deps.deploysBefore?.(incident) ?? [],
      eventsBefore: deps.eventsBefore?.(incident),
      now: deps.now(),
    })
    const evidence = deps.evidence?.(incident, new URL(c.req.url).origin) ?? ''
    return c.body(evidence ? `${markdown.trimEnd()}\n\n${evidence}` : markdown, 200, {
      'content-type': 'text/markdown; charset=utf-8',
    })
  })

  app.post('/api/v1/incidents/:id/ack', async (c) => {
    const access = secretAccess(c, deps.apiToken)
    if (!access.ok) {
      if (access.challenge) c.header('www-authenticate', 'Bearer')
      const error =
        access.status === 401
          ? 'acknowledging needs the API token: send Authorization: Bearer <token> (vantage ack --api-token, or VANTAGE_API_TOKEN)'
          : 'this hub has no API token, so it takes acknowledgements only from its own machine; ' +
            'start the hub with --api-token (VANTAGE_API_TOKEN) and pass the same --api-token to vantage ack'
      return c.json({ error }, access.status)
    }
    const read = await readValidBody(c, ackBody, {
      maxBytes: MAX_ACK_BODY_BYTES,
      example: '{"by": "alice"}',
      whenEmpty: {},
    })
    if (!read.ok) return read.response
    const { by = 'api', comment } = read.body
    const outcome = deps.acknowledge(c.req.param('id'), by, comment || undefined)
    if (!outcome.ok) return c.json({ error: outcome.error }, outcome.status)
    return c.json(listItem(outcome.incident, deps.now()))
  })

  return app
}
