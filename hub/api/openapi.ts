/**
 * Longer than 400 lines because it is one table, an entry per operation, read top to
 * bottom like the API reference; splitting it would only scatter the routes.
 *
 * The OpenAPI 3.1 document of the hub's JSON API (`/api/v1`, the operators' API, and
 * `/api/v2`, the Statuspage-compatible public one), served at `GET /api/openapi.json`.
 * openapi.test.ts holds every route of a running hub against it, both ways.
 */

type Json = Record<string, unknown>

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: Json, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
})
const error = (description: string) => json(ref('Error'), description)
const obj = (properties: Json, required: string[] = []) => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
})
const str = { type: 'string' }
const strs = { type: 'array', items: str }

const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: str,
})
const SLUG = pathParam('slug', 'the status page, as in /status/<slug>')
const ID = (what: string) => pathParam('id', what)

const TOKEN = { security: [{ bearer: [] }] }
const READ = {
  ...TOKEN,
  responses401: error('the hub has an API token and the request did not carry it'),
}

interface Operation {
  summary: string
  params?: Json[]
  query?: Json[]
  body?: Json
  ok: Json
  okStatus?: number
  errors?: Record<number, string>
  /** Needs the API token whenever the hub has one; writes also from loopback only without one. */
  token?: boolean
  tags: string[]
}

const query = (name: string, description: string, schema: Json = str) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
})

/** The Statuspage v2 documents, under a base. */
export const V2_PATHS = [
  ['summary', 'Page, components, unresolved incidents, maintenance and status'],
  ['status', 'The page indicator and its words'],
  ['components', 'Components and their groups'],
  ['incidents', 'The last 50 incidents'],
  ['incidents/unresolved', 'Incidents not resolved yet'],
  ['scheduled-maintenances', 'The last 50 maintenances'],
  ['scheduled-maintenances/upcoming', 'Maintenance scheduled ahead'],
  ['scheduled-maintenances/active', 'Maintenance in progress'],
] as const

/** Operations by "METHOD path" (OpenAPI path syntax). */
const OPERATIONS: Record<string, Operation> = {
  'GET /api/v1/checks': {
    summary: 'A page of checks with state, latest result per region and availability',
    query: [
      query('limit', '1-500, default 100'),
      query('cursor', 'nextCursor of the previous page'),
      query('state', 'up, down, partial, degraded, insufficient, unknown; comma-separated'),
      query('tag', 'repeatable'),
      query('q', 'matches id, name and target'),
      query(
        'window',
        "30d: adds each check's availability over the last 30 days (window), as its /availability gives it",
      ),
    ],
    ok: obj({
      checks: { type: 'array', items: ref('Check') },
      total: { type: 'integer' },
      nextCursor: str,
    }),
    errors: { 400: 'a bad query' },
    token: true,
    tags: ['checks'],
  },
  'GET /api/v1/checks/{id}': {
    summary: 'One check with recent results, the last hour by minute and outages',
    params: [ID('check id')],
    query: [query('window', '1h, 24h, 7d, 30d or 90d: adds availability and latency')],
    ok: ref('Check'),
    errors: { 400: 'a bad query', 404: 'no such check' },
    token: true,
    tags: ['checks'],
  },
  'GET /api/v1/checks/{id}/history': {
    summary: 'History buckets of a check for a chart',
    params: [ID('check id')],
    query: [
      query('from', 'epoch ms or ISO 8601'),
      query('to', 'epoch ms or ISO 8601'),
      query('step', 'a duration'),
    ],
    ok: { type: 'object' },
    errors: { 400: 'a bad query', 404: 'no such check' },
    token: true,
    tags: ['checks'],
  },
  'GET /api/v1/checks/{id}/availability': {
    summary: 'Availability, latency percentiles, runs and state time over a window',
    params: [ID('check id')],
    query: [query('window', '1h, 24h, 7d, 30d or 90d'), query('from', 'start'), query('to', 'end')],
    ok: { type: 'object' },
    errors: { 400: 'a bad query', 404: 'no such check' },
    token: true,
    tags: ['checks'],
  },
  'POST /api/v1/checks/{id}/run': {
    summary: 'Run a check now in every region and wait for the answers',
    params: [ID('check id')],
    ok: { type: 'object' },
    errors: {
      403: 'no API token on the hub and not on its machine',
      404: 'no such check',
      409: 'a disabled check or a heartbeat',
    },
    token: true,
    tags: ['checks'],
  },
  'GET /api/v1/events': {
    summary: 'The event log, newest first',
    query: [
      query('check', 'a check id'),
      query('kind', 'one kind or several, comma-separated'),
      query('since', 'epoch ms or ISO 8601'),
      query('until', 'epoch ms or ISO 8601'),
      query('limit', '1-1000, default 100'),
    ],
    ok: { type: 'object' },
    errors: { 400: 'a bad query' },
    token: true,
    tags: ['events'],
  },
  'GET /api/v1/slos': {
    summary: 'Every SLO with budgets, burn rates and open alerts',
    ok: obj({ slos: { type: 'array', items: { type: 'object' } } }),
    tags: ['slos'],
  },
  'GET /api/v1/slos/{id}': {
    summary: 'One SLO, with the outages that consumed its budget',
    params: [ID('SLO name')],
    ok: { type: 'object' },
    errors: { 404: 'no such SLO' },
    tags: ['slos'],
  },
  'GET /api/v1/slos/{id}/gate': {
    summary: 'The error-budget gate: open while every objective has budget left',
    params: [ID('SLO name')],
    ok: obj({ gate: { enum: ['open'] } }),
    errors: { 404: 'no such SLO', 409: 'closed: an objective has spent its budget' },
    tags: ['slos'],
  },
  'GET /api/v1/checks/{id}/artifacts': {
    summary: "A browser check's runs with artifacts, newest first",
    params: [ID('check id')],
    query: [query('limit', 'at most, default 20')],
    ok: { type: 'object' },
    errors: { 403: 'no API token on the hub and not on its machine', 404: 'no such check' },
    token: true,
    tags: ['artifacts'],
  },
  'GET /api/v1/artifacts/{resultId}': {
    summary: "One run's artifact files",
    params: [pathParam('resultId', 'the result id')],
    ok: { type: 'object' },
    errors: { 403: 'no API token on the hub and not on its machine', 404: 'no such run' },
    token: true,
    tags: ['artifacts'],
  },
  'GET /api/v1/artifacts/{resultId}/{name}': {
    summary: 'One artifact: a PNG, the trace zip or the console log (not JSON)',
    params: [pathParam('resultId', 'the result id'), pathParam('name', 'the file name')],
    ok: { type: 'string', format: 'binary' },
    errors: { 403: 'no API token on the hub and not on its machine', 404: 'no such file' },
    token: true,
    tags: ['artifacts'],
  },
  'GET /api/v1/probes': {
    summary: 'Probes with region, version, state and stats',
    ok: { type: 'array', items: { type: 'object' } },
    token: true,
    tags: ['probes'],
  },
  'DELETE /api/v1/probes/{id}': {
    summary: 'Retire a probe',
    params: [ID('probe id')],
    ok: { type: 'object' },
    errors: { 404: 'no such probe' },
    token: true,
    tags: ['probes'],
  },
  'POST /api/v1/probes/{id}/drain': {
    summary: 'Drain a probe for maintenance',
    params: [ID('probe id')],
    ok: { type: 'object' },
    errors: { 404: 'no such probe' },
    token: true,
    tags: ['probes'],
  },
  'DELETE /api/v1/probes/{id}/drain': {
    summary: 'Put a drained probe back into service',
    params: [ID('probe id')],
    ok: { type: 'object' },
    errors: { 404: 'no such probe' },
    token: true,
    tags: ['probes'],
  },
  'GET /api/v1/heartbeats': {
    summary: 'Heartbeats with their state (ping URLs only for the token)',
    ok: { type: 'array', items: { type: 'object' } },
    tags: ['heartbeats'],
    token: true,
  },
  'GET /api/v1/config': {
    summary: 'The running config',
    ok: { type: 'object' },
    token: true,
    tags: ['deploys'],
  },
  'GET /api/v1/deploys': {
    summary: 'Deploy history',
    ok: obj({ deploys: { type: 'array', items: { type: 'object' } } }),
    token: true,
    tags: ['deploys'],
  },
  'POST /api/v1/deploys': {
    summary: 'Validate, plan and deploy a monitoring config (dryRun to plan only)',
    body: obj({ config: { type: 'object' }, source: str, dryRun: { type: 'boolean' } }, ['config']),
    ok: { type: 'object' },
    errors: {
      400: 'the config does not validate (errors with paths)',
      409: 'planned against another version',
    },
    token: true,
    tags: ['deploys'],
  },
  'POST /api/v1/deploys/rollback': {
    summary: 'Deploy an earlier version again',
    body: obj({ version: str }, ['version']),
    ok: { type: 'object' },
    errors: { 400: 'invalid body', 404: 'no such version' },
    token: true,
    tags: ['deploys'],
  },
  'GET /api/v1/incidents': {
    summary: 'Alert incidents (open, or since a time)',
    query: [
      query('open', 'true for open ones only'),
      query('since', 'ISO time'),
      query('limit', 'at most'),
    ],
    ok: { type: 'object' },
    errors: { 400: 'a bad query' },
    token: true,
    tags: ['incidents'],
  },
  'GET /api/v1/incidents/{id}': {
    summary: 'One incident with its timeline and samples',
    params: [ID('incident id')],
    ok: { type: 'object' },
    errors: { 404: 'no such incident' },
    token: true,
    tags: ['incidents'],
  },
  'GET /api/v1/incidents/{id}/report': {
    summary: 'The post-incident report',
    params: [ID('incident id')],
    ok: { type: 'object' },
    errors: { 404: 'no such incident' },
    token: true,
    tags: ['incidents'],
  },
  'POST /api/v1/incidents/{id}/ack': {
    summary: 'Acknowledge an incident',
    params: [ID('incident id')],
    body: obj({ by: str }),
    ok: { type: 'object' },
    errors: { 404: 'no such incident', 409: 'already resolved' },
    token: true,
    tags: ['incidents'],
  },
  ...windowOperations('silences', 'silence'),
  ...windowOperations('maintenance', 'maintenance window'),
  'GET /api/v1/channels': {
    summary: 'Notification channel health',
    ok: { type: 'array', items: { type: 'object' } },
    token: true,
    tags: ['alerting'],
  },
  'GET /api/v1/regions': {
    summary: 'Region connectivity',
    ok: { type: 'array', items: { type: 'object' } },
    token: true,
    tags: ['alerting'],
  },
  'GET /api/v1/status-pages': {
    summary: 'Status pages with their components and states',
    ok: obj({ pages: { type: 'array', items: { type: 'object' } } }),
    token: true,
    tags: ['status pages'],
  },
  'GET /api/v1/status-pages/{slug}/posts': {
    summary: 'Every post of a page, suggested ones too',
    params: [SLUG],
    ok: obj({ posts: { type: 'array', items: ref('Post') } }),
    errors: { 404: 'no such page' },
    token: true,
    tags: ['status pages'],
  },
  'POST /api/v1/status-pages/{slug}/posts': {
    summary: 'Write an incident post or schedule maintenance (at: a past time backfills)',
    params: [SLUG],
    body: ref('NewPost'),
    ok: obj({ post: ref('Post') }),
    okStatus: 201,
    errors: { 400: 'invalid body (errors with paths)', 404: 'no such page' },
    token: true,
    tags: ['status pages'],
  },
  'POST /api/v1/status-pages/{slug}/posts/{id}/updates': {
    summary: 'Add an update: investigating, identified, monitoring, resolved',
    params: [SLUG, ID('post id')],
    body: obj(
      {
        status: {
          enum: [
            'investigating',
            'identified',
            'monitoring',
            'resolved',
            'scheduled',
            'in_progress',
            'verifying',
            'completed',
          ],
        },
        body: str,
        at: { type: 'string', format: 'date-time' },
      },
      ['status', 'body'],
    ),
    ok: obj({ post: ref('Post') }),
    errors: { 400: 'invalid body', 404: 'no such page or post' },
    token: true,
    tags: ['status pages'],
  },
  'POST /api/v1/status-pages/{slug}/posts/{id}/publish': {
    summary: 'Publish a post the hub suggested',
    params: [SLUG, ID('post id')],
    ok: obj({ post: ref('Post') }),
    errors: { 404: 'no such page or post' },
    token: true,
    tags: ['status pages'],
  },
  'PUT /api/v1/status-pages/{slug}/components/{id}/override': {
    summary: "Override a component's state",
    params: [SLUG, ID('component id')],
    body: obj({ state: ref('ComponentState'), reason: str }, ['state']),
    ok: { type: 'object' },
    errors: { 400: 'invalid body', 404: 'no such page or component' },
    token: true,
    tags: ['status pages'],
  },
  'DELETE /api/v1/status-pages/{slug}/components/{id}/override': {
    summary: 'Go back to the derived state',
    params: [SLUG, ID('component id')],
    ok: obj({ removed: { type: 'boolean' } }),
    errors: { 404: 'no such page or component' },
    token: true,
    tags: ['status pages'],
  },
  'GET /api/v1/status-pages/{slug}/subscribers': {
    summary: "A page's subscribers",
    params: [SLUG],
    ok: obj({ subscribers: { type: 'array', items: { type: 'object' } } }),
    errors: { 404: 'no such page' },
    token: true,
    tags: ['status pages'],
  },
  'GET /api/v1/status-pages/{slug}/deliveries': {
    summary: "A page's delivery log (emails and webhooks, with attempts and outcomes)",
    params: [SLUG],
    ok: obj({ deliveries: { type: 'array', items: { type: 'object' } } }),
    errors: { 404: 'no such page' },
    token: true,
    tags: ['status pages'],
  },
  ...v2Operations('/api/v2', [], "the hub's home page"),
  ...v2Operations('/status/{slug}/api/v2', [SLUG], 'a page'),
}

function windowOperations(name: string, noun: string): Record<string, Operation> {
  return {
    [`GET /api/v1/${name}`]: {
      summary: `Every ${noun}`,
      query: [query('active', 'true for those in force now')],
      ok: obj({ windows: { type: 'array', items: { type: 'object' } } }),
      errors: { 400: 'a bad query' },
      token: true,
      tags: ['alerting'],
    },
    [`POST /api/v1/${name}`]: {
      summary: `Add a ${noun}`,
      body: obj({
        match: obj({ checks: strs, tags: strs }),
        for: str,
        start: str,
        end: str,
        cron: str,
        duration: str,
        reason: str,
      }),
      ok: obj({ window: { type: 'object' } }),
      okStatus: 201,
      errors: { 400: 'invalid body (errors with paths)' },
      token: true,
      tags: ['alerting'],
    },
    [`DELETE /api/v1/${name}/{id}`]: {
      summary: `End a ${noun}`,
      params: [ID(`${noun} id`)],
      ok: { type: 'object' },
      errors: { 404: 'no such window', 409: 'declared in the monitoring file' },
      token: true,
      tags: ['alerting'],
    },
  }
}

function v2Operations(base: string, params: Json[], whose: string): Record<string, Operation> {
  return Object.fromEntries(
    V2_PATHS.map(([doc, summary]) => [
      `GET ${base}/${doc}.json`,
      {
        summary: `${summary}, of ${whose} (Statuspage-compatible; ETag, 304)`,
        params,
        ok: { type: 'object', required: ['page'], properties: { page: ref('Page') } },
        errors: { 404: 'no such page', 401: 'a private page without the token or its cookie' },
        tags: ['v2'],
      },
    ]),
  )
}

const SCHEMAS = {
  Error: obj({ error: str, errors: strs }, ['error']),
  Check: obj(
    {
      id: str,
      name: str,
      kind: str,
      state: { type: 'object' },
      window: obj({
        from: { type: 'integer' },
        to: { type: 'integer' },
        edgeGrain: { enum: ['minute', 'hour', 'day'] },
        availability: obj({ overall: { type: ['number', 'null'] }, regions: { type: 'object' } }),
      }),
    },
    ['id'],
  ),
  ComponentState: {
    enum: [
      'operational',
      'degraded_performance',
      'partial_outage',
      'major_outage',
      'under_maintenance',
    ],
  },
  Page: obj({
    id: str,
    name: str,
    url: str,
    time_zone: str,
    updated_at: { type: ['string', 'null'] },
  }),
  Post: obj({
    id: str,
    page: str,
    kind: { enum: ['incident', 'maintenance'] },
    title: str,
    impact: { enum: ['none', 'minor', 'major', 'critical', 'maintenance'] },
    status: str,
    components: strs,
    published: { type: 'boolean' },
    updates: {
      type: 'array',
      items: obj({ id: str, status: str, body: str, at: { type: 'integer' } }),
    },
  }),
  NewPost: obj(
    {
      kind: { enum: ['incident', 'maintenance'] },
      title: str,
      body: str,
      status: str,
      components: strs,
      impact: { enum: ['none', 'minor', 'major', 'critical', 'maintenance'] },
      at: { type: 'string', format: 'date-time' },
      scheduledFor: { type: 'string', format: 'date-time' },
      scheduledUntil: { type: 'string', format: 'date-time' },
      published: { type: 'boolean' },
    },
    ['title', 'body'],
  ),
}

/** The document, built once per call (it is small). */
export function openApiDocument(serverUrl?: string): Json {
  const paths: Record<string, Record<string, Json>> = {}
  for (const [key, op] of Object.entries(OPERATIONS)) {
    const [method, path] = key.split(' ') as [string, string]
    const responses: Record<string, Json> = {
      [String(op.okStatus ?? 200)]: json(op.ok),
      ...Object.fromEntries(Object.entries(op.errors ?? {}).map(([s, d]) => [s, error(d)])),
    }
    if (op.token) responses['401'] = READ.responses401
    if (method === 'POST' || method === 'PUT') {
      responses['413'] = error('the body is larger than the route takes')
      responses['415'] = error('the body is not application/json')
    }
    if (method === 'GET' && op.tags.includes('v2'))
      responses['304'] = { description: 'Not modified (If-None-Match)' }
    ;(paths[path] ??= {})[method.toLowerCase()] = {
      summary: op.summary,
      tags: op.tags,
      ...(op.token ? TOKEN : {}),
      parameters: [...(op.params ?? []), ...(op.query ?? [])],
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } }
        : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vantage hub API',
      version: '1',
      description:
        "/api/v1 is the operators' API: with an API token on the hub, every route needs it " +
        '(Authorization: Bearer). /api/v2 is the public, Statuspage-compatible JSON of status pages.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: SCHEMAS,
    },
    paths,
  }
}
