/**
 * Deploy routes: the running config, the deploy history, deploys and rollbacks, for
 * `vantage deploy`. All of them need the API token, or a client on the hub machine
 * when the hub has none (the rule of secret-access.ts): they change what every probe
 * runs, and the config they show holds check credentials.
 *
 * - `GET /api/v1/config` the running version, its checks, and channel names only
 * - `GET /api/v1/deploys` the history, newest first
 * - `POST /api/v1/deploys` `{ config, source?, dryRun?, expectVersion? }`: validates the
 *   config again (a client is never trusted), plans, and unless `dryRun` applies it
 * - `POST /api/v1/deploys/rollback` `{ version, source? }`: deploys that version's config
 *   again, as a new version
 *
 * Answers: 400 with `errors` (each with its path) for a config that does not validate
 * or a malformed body, 404 for an unknown version, 409 when `expectVersion` is no longer
 * running, 413 past 5 MiB, 415 without `content-type: application/json`.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { z } from 'zod'
import { validateMonitoring } from '../../checks/validate.ts'
import { DeployError, type DeployErrorReason, type LiveConfig } from '../config/live-config.ts'
import { readValidBody } from './json-body.ts'
import { secretAccess } from './secret-access.ts'

/**
 * Far above any real monitoring project (a thousand checks is about 1 MiB of JSON),
 * low enough that a stray upload cannot fill the hub's memory.
 */
export const MAX_DEPLOY_BODY_BYTES = 5 * 1024 * 1024
/** Longest `source` kept with a deploy: a file name, a commit and a user fit easily. */
const MAX_SOURCE_LENGTH = 200

/** What the routes need from the running hub. */
export type DeployService = Pick<
  LiveConfig,
  'config' | 'deployed' | 'history' | 'dryRun' | 'apply' | 'rollback'
>

export interface DeployRouteDeps {
  live: DeployService
  /** The signing key's names, shown by `GET /api/v1/config`. */
  key: { keyId: string; fingerprint: string }
  /** When set, every route needs it as a bearer token; otherwise loopback clients only. */
  apiToken?: string
}

const deployBody = z.strictObject({
  config: z.unknown().refine((value) => value !== undefined, 'required: the monitoring config'),
  source: z.string().min(1).max(MAX_SOURCE_LENGTH).optional(),
  dryRun: z.boolean().optional(),
  expectVersion: z.string().min(1).optional(),
})

const rollbackBody = z.strictObject({
  version: z.string().min(1),
  source: z.string().min(1).max(MAX_SOURCE_LENGTH).optional(),
})

const STATUS_OF: Record<DeployErrorReason, 400 | 404 | 409> = {
  invalid: 400,
  'unknown-version': 404,
  conflict: 409,
  'no-config': 409,
}

function guard(apiToken: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    const access = secretAccess(c, apiToken)
    if (access.ok) return next()
    if (access.challenge) c.header('www-authenticate', 'Bearer')
    const error =
      access.status === 401
        ? 'deploys need the API token: send Authorization: Bearer <token> (vantage deploy --token, or VANTAGE_API_TOKEN)'
        : 'this hub has no API token, so it takes deploys only from its own machine; start the ' +
          'hub with --api-token (VANTAGE_API_TOKEN) and deploy with the same --token'
    return c.json({ error }, access.status)
  }
}

function failure(c: Context, error: unknown): Response {
  if (!(error instanceof DeployError)) throw error
  const body =
    error.errors.length > 0
      ? { error: error.message, errors: error.errors }
      : { error: error.message }
  return c.json(body, STATUS_OF[error.reason])
}

/**
 * @example
 * app.route('/', deployRoutes({ live, key: { keyId, fingerprint }, apiToken }))
 */
export function deployRoutes(deps: DeployRouteDeps): Hono {
  const { live } = deps
  const app = new Hono()
  for (const path of ['/api/v1/config', '/api/v1/deploys', '/api/v1/deploys/*']) {
    app.use(path, guard(deps.apiToken))
  }

  app.get('/api/v1/config', (c) => {
    const config = live.config()
    const { bundle } = live.deployed()
    return c.json({
      version: bundle.version,
      seq: bundle.seq,
      createdAt: bundle.createdAt,
      project: config.project,
      keyId: deps.key.keyId,
      fingerprint: deps.key.fingerprint,
      checks: config.checks,
      // Channel URLs and headers stay on the hub: they are often secrets.
      channels: config.channels.map(({ name, type }) => ({ name, type })),
    })
  })

  app.get('/api/v1/deploys', (c) => {
    const running = live.deployed().bundle.version
    const deploys = live
      .history()
      .reverse()
      .map(({ seq, version, createdAt, source, checks }) => ({
        seq,
        version,
        createdAt,
        source,
        checks,
        running: version === running,
      }))
    return c.json({ running, deploys })
  })

  app.post('/api/v1/deploys', async (c) => {
    const read = await readValidBody(c, deployBody, { maxBytes: MAX_DEPLOY_BODY_BYTES })
    if (!read.ok) return read.response
    const { config: input, source = 'api', dryRun = false, expectVersion } = read.body
    const validated = validateMonitoring(input)
    if (!validated.ok) {
      const count = validated.errors.length
      return c.json({ error: `the config has ${count} error(s)`, errors: validated.errors }, 400)
    }
    if (dryRun) return c.json({ ...live.dryRun(validated.config), dryRun: true })
    try {
      const outcome = await live.apply(validated.config, source, { expectVersion })
      return c.json({ ...outcome, dryRun: false })
    } catch (error) {
      return failure(c, error)
    }
  })

  app.post('/api/v1/deploys/rollback', async (c) => {
    const read = await readValidBody(c, rollbackBody, { maxBytes: MAX_DEPLOY_BODY_BYTES })
    if (!read.ok) return read.response
    try {
      const { version, source } = read.body
      return c.json(await live.rollback(version, source))
    } catch (error) {
      return failure(c, error)
    }
  })

  return app
}
