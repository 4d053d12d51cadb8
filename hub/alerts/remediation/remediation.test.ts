import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { checkSpecSchema } from '../../../checks/spec.ts'
import { ManualClock } from '../../../lib/clock.ts'
import { silentLogger } from '../../../lib/logger.ts'
import type { RemediationCommand } from './remediation-commands.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import { IncidentStore, type TimelineEntry } from '../../incidents/incident-store.ts'
import { actionIdOf, MAX_TIMELINE_OUTPUT_BYTES, timelineOutput } from './remediation-actions.ts'
import { Remediation } from './remediation.ts'
import { useTempDir } from '../../../test/fixtures/temp-dir.ts'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/remediation/', import.meta.url))
const MIN = 60_000
const REFUSED = { code: 'CONNECT_REFUSED', message: 'connect ECONNREFUSED 10.0.0.5:443' }

const dir = useTempDir('vantage-remediation-').path

const COMMANDS = new Map<string, RemediationCommand>([
  [
    'restart-api',
    { argv: [join(FIXTURES, 'restart-ok.sh')], timeoutMs: 10_000, env: { SERVICE: 'api' } },
  ],
  ['restart-fails', { argv: [join(FIXTURES, 'restart-fails.sh')], timeoutMs: 10_000, env: {} }],
  [
    'restart-hangs',
    { argv: [join(FIXTURES, 'restart-hangs.sh'), join(dir, 'hangs.pid')], timeoutMs: 300, env: {} },
  ],
  [
    'restart-stuck',
    { argv: [join(FIXTURES, 'restart-hangs.sh'), join(dir, 'stuck.pid')], timeoutMs: MIN, env: {} },
  ],
])

/** A webhook receiver on loopback that answers with `status` and records what it got. */
interface Receiver {
  url: string
  status: number
  received: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[]
}

const receiver: Receiver = { url: '', status: 200, received: [] }
const server = createServer((request, response) => {
  let body = ''
  request.on('data', (chunk: Buffer) => (body += chunk.toString()))
  request.on('end', () => {
    receiver.received.push({ headers: request.headers, body: JSON.parse(body) })
    response.writeHead(receiver.status).end(receiver.status === 200 ? 'ok' : 'restart refused')
  })
})
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/remediate/secret-token`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})
afterEach(() => {
  receiver.status = 200
  receiver.received = []
})

function setup(remediate: Record<string, unknown>[]) {
  const clock = new ManualClock()
  const incidents = new IncidentStore(new Database(':memory:'))
  const spec = checkSpecSchema.parse({
    kind: 'http',
    id: 'api',
    name: 'Public API',
    url: 'http://127.0.0.1:9/',
    regions: ['eu-west', 'us-east', 'ap-south'],
    remediate,
  })
  const confirmed: string[] = []
  const start = () =>
    new Remediation({
      clock,
      logger: silentLogger(),
      incidents,
      commands: () => COMMANDS,
      check: (id) => (id === spec.id ? spec : undefined),
      confirm: (id) => {
        confirmed.push(id)
        return [{ probeId: 'eu-1' }, { probeId: 'us-1' }, { probeId: 'ap-1' }]
      },
    })
  let remediation = start()

  const event = (type: AlertEvent['type'], incidentId: string): AlertEvent => ({
    type,
    incidentId,
    checkId: 'api',
    checkName: 'Public API',
    at: clock.now(),
    regions: ['eu-west', 'us-east'],
    quorum: 2,
    firstError: REFUSED,
  })
  return {
    clock,
    incidents,
    confirmed,
    get remediation() {
      return remediation
    },
    /** A new hub process on the same database. */
    async restart() {
      await remediation.close()
      remediation = start()
    },
    /** Opens a DOWN incident as the alert engine does and tells remediation. */
    async fire(): Promise<string> {
      const id = incidents.open({
        checkId: 'api',
        at: clock.now(),
        regions: ['eu-west', 'us-east'],
        firstError: REFUSED,
      })
      remediation.onEvent(event('fired', id))
      await remediation.idle()
      return id
    },
    resolve(id: string) {
      incidents.resolve(id, clock.now())
      remediation.onEvent(event('resolved', id))
    },
    async tick() {
      remediation.tick()
      await remediation.idle()
    },
    /** The remediation and confirmation entries of an incident's timeline. */
    entries(id: string): TimelineEntry['detail'][] {
      return incidents
        .get(id)!
        .timeline.filter((e) => e.type === 'remediation' || e.type === 'confirmation')
        .map((e) => (e.type === 'confirmation' ? { confirmation: e.detail } : e.detail))
    },
    attempts(id: string): unknown[] {
      return incidents
        .get(id)!
        .timeline.filter((e) => e.type === 'remediation')
        .map((e) => (e.detail.outcome === 'skipped' ? e.detail.reason : e.detail.attempt))
    },
  }
}

const CONFIRMATION = { confirmation: { after: 'remediation', probes: 3 } }

describe('Remediation: commands', () => {
  it('runs an allow-listed command, records ok and asks for a confirmation round', async () => {
    const hub = setup([{ command: 'restart-api' }])
    const id = await hub.fire()
    expect(hub.entries(id)).toEqual([
      {
        action: 'command restart-api',
        actionId: actionIdOf({ command: 'restart-api', cooldown: '10m', maxAttempts: 3 }),
        attempt: 1,
        outcome: 'ok',
        exitCode: 0,
        durationMs: expect.any(Number),
        output: `restarted for api incident ${id} attempt 1\nSERVICE=api API_TOKEN=unset args=`,
      },
      CONFIRMATION,
    ])
    expect(hub.confirmed).toEqual(['api'])
  })

  it('records a failing exit with its output', async () => {
    const hub = setup([{ command: 'restart-fails' }])
    const id = await hub.fire()
    expect(hub.entries(id)).toEqual([
      expect.objectContaining({
        action: 'command restart-fails',
        outcome: 'failed',
        exitCode: 1,
        error: 'exited 1',
        output: 'Job for api.service failed because the control process exited with error code.',
      }),
      CONFIRMATION,
    ])
  })

  it('records a command killed at its timeout as failed, with the reason', async () => {
    const hub = setup([{ command: 'restart-hangs' }])
    const id = await hub.fire()
    expect(hub.entries(id)).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        exitCode: null,
        reason: 'timeout',
        error: 'killed at the 300ms timeout',
        output: 'waiting for api to stop',
      }),
      CONFIRMATION,
    ])
  })

  it('records a command missing from the allow-list as failed and goes on with the next action', async () => {
    const hub = setup([{ command: 'drop-tables' }, { webhook: receiver.url }])
    const id = await hub.fire()
    expect(hub.entries(id)).toEqual([
      {
        action: 'command drop-tables',
        actionId: expect.any(String),
        attempt: 1,
        outcome: 'failed',
        durationMs: 0,
        error: `command "drop-tables" is not in the hub's remediation allow-list (its --remediation file)`,
      },
      expect.objectContaining({ action: expect.stringMatching(/^webhook /), outcome: 'ok' }),
      CONFIRMATION,
    ])
    expect(hub.confirmed).toEqual(['api'])
  })

  it('aborts a running command on close without waiting for it', async () => {
    const hub = setup([{ command: 'restart-stuck' }])
    const id = hub.incidents.open({ checkId: 'api', at: 0, regions: ['eu-west'], firstError: null })
    hub.remediation.onEvent({
      type: 'fired',
      incidentId: id,
      checkId: 'api',
      checkName: 'Public API',
      at: 0,
      regions: ['eu-west'],
      quorum: 2,
      firstError: null,
    })
    const started = Date.now()
    await hub.remediation.close()
    expect(Date.now() - started).toBeLessThan(1_500)
    expect(hub.entries(id)[0]).toMatchObject({
      outcome: 'failed',
      error: 'killed: the hub is stopping',
    })
  })
})

describe('Remediation: webhooks', () => {
  it('POSTs the incident with the action’s headers and records the status', async () => {
    const hub = setup([{ webhook: receiver.url, headers: { Authorization: 'Bearer abc' } }])
    const id = await hub.fire()
    expect(receiver.received).toHaveLength(1)
    expect(receiver.received[0]!.headers.authorization).toBe('Bearer abc')
    expect(receiver.received[0]!.body).toEqual({
      checkId: 'api',
      checkName: 'Public API',
      incidentId: id,
      attempt: 1,
      regions: ['eu-west', 'us-east'],
      firstError: REFUSED,
      at: hub.clock.now(),
    })
    const host = new URL(receiver.url).host
    expect(hub.entries(id)).toEqual([
      {
        action: `webhook ${host}`,
        actionId: expect.stringMatching(/^[0-9a-f]{12}$/),
        attempt: 1,
        outcome: 'ok',
        status: 200,
        durationMs: expect.any(Number),
      },
      CONFIRMATION,
    ])
    expect(JSON.stringify(hub.incidents.get(id))).not.toContain('secret-token')
  })

  it('records a 5xx answer as failed', async () => {
    receiver.status = 500
    const hub = setup([{ webhook: receiver.url }])
    const id = await hub.fire()
    expect(hub.entries(id)).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        status: 500,
        error: 'HTTP 500: restart refused',
      }),
      CONFIRMATION,
    ])
  })
})

describe('Remediation: limits', () => {
  it('skips an action still cooling down from an earlier incident, then runs it once it may', async () => {
    const hub = setup([{ command: 'restart-api', cooldown: '10m' }])
    const first = await hub.fire()
    hub.clock.advance(MIN)
    hub.resolve(first)
    hub.clock.advance(MIN)
    const second = await hub.fire()
    expect(hub.entries(second)).toEqual([
      expect.objectContaining({ outcome: 'skipped', reason: 'cooldown', attempt: 1 }),
    ])
    hub.clock.advance(8 * MIN - 1)
    await hub.tick()
    expect(hub.attempts(second)).toEqual(['cooldown'])
    hub.clock.advance(1)
    await hub.tick()
    expect(hub.attempts(second)).toEqual(['cooldown', 1])
    expect(hub.confirmed).toEqual(['api', 'api'])
  })

  it('runs again while the incident stays open, up to maxAttempts', async () => {
    const hub = setup([{ command: 'restart-api', cooldown: '1m', maxAttempts: 2 }])
    const id = await hub.fire()
    hub.clock.advance(MIN - 1)
    await hub.tick()
    expect(hub.attempts(id)).toEqual([1])
    hub.clock.advance(1)
    await hub.tick()
    expect(hub.attempts(id)).toEqual([1, 2])
    expect(hub.entries(id)[2]).toMatchObject({ output: expect.stringContaining('attempt 2') })
    for (let i = 0; i < 3; i++) {
      hub.clock.advance(MIN)
      await hub.tick()
    }
    expect(hub.attempts(id)).toEqual([1, 2, 'attempt limit'])
    expect(hub.confirmed).toEqual(['api', 'api'])
  })

  it('keeps the attempt count and the cooldown across a hub restart', async () => {
    const hub = setup([{ command: 'restart-api', cooldown: '1m', maxAttempts: 3 }])
    const id = await hub.fire()
    hub.clock.advance(MIN)
    await hub.tick()
    await hub.restart()
    await hub.tick()
    expect(hub.attempts(id)).toEqual([1, 2])
    hub.clock.advance(MIN)
    await hub.tick()
    expect(hub.attempts(id)).toEqual([1, 2, 3])
    expect(hub.entries(id).at(-2)).toMatchObject({ output: expect.stringContaining('attempt 3') })
    await hub.restart()
    hub.clock.advance(MIN)
    await hub.tick()
    await hub.restart()
    hub.clock.advance(MIN)
    await hub.tick()
    expect(hub.attempts(id)).toEqual([1, 2, 3, 'attempt limit'])
  })

  it('stops once the incident resolves, whether or not it heard the event', async () => {
    const hub = setup([{ command: 'restart-api', cooldown: '1m' }])
    const first = await hub.fire()
    hub.resolve(first)
    hub.clock.advance(10 * MIN)
    await hub.tick()
    expect(hub.attempts(first)).toEqual([1])

    const second = await hub.fire()
    hub.incidents.resolve(second, hub.clock.now())
    hub.clock.advance(10 * MIN)
    await hub.tick()
    expect(hub.attempts(second)).toEqual([1])
  })

  it('counts attempts per action and runs the actions in order', async () => {
    const hub = setup([
      { command: 'restart-fails', cooldown: '1m', maxAttempts: 1 },
      { webhook: receiver.url, cooldown: '1m', maxAttempts: 2 },
    ])
    const id = await hub.fire()
    hub.clock.advance(MIN)
    await hub.tick()
    expect(
      hub.entries(id).map((e) => ('confirmation' in e ? 'confirm' : `${e.action} ${e.attempt}`)),
    ).toEqual([
      'command restart-fails 1',
      'confirm',
      `webhook ${new URL(receiver.url).host} 1`,
      'confirm',
      'command restart-fails 1',
      `webhook ${new URL(receiver.url).host} 2`,
      'confirm',
    ])
    expect(hub.entries(id)[4]).toMatchObject({ outcome: 'skipped', reason: 'attempt limit' })
  })
})

describe('Remediation: what it acts on', () => {
  it('ignores degraded incidents, other subjects and other event types', async () => {
    const hub = setup([{ command: 'restart-api' }])
    const id = hub.incidents.open({ checkId: 'api', at: 0, regions: ['eu-west'], firstError: null })
    const base = {
      incidentId: id,
      checkId: 'api',
      checkName: 'Public API',
      at: 0,
      regions: ['eu-west'],
      quorum: 2,
      firstError: null,
    }
    hub.remediation.onEvent({ ...base, type: 'fired', severity: 'degraded' })
    hub.remediation.onEvent({ ...base, type: 'fired', subject: 'region' })
    hub.remediation.onEvent({ ...base, type: 'reminder' })
    await hub.remediation.idle()
    expect(hub.entries(id)).toEqual([])
    expect(hub.confirmed).toEqual([])
  })

  it('does nothing for a check without remediate, or one no longer deployed', async () => {
    const hub = setup([])
    const id = await hub.fire()
    expect(hub.entries(id)).toEqual([])
    const other = hub.incidents.open({ checkId: 'gone', at: 0, regions: [], firstError: null })
    hub.remediation.onEvent({
      type: 'fired',
      incidentId: other,
      checkId: 'gone',
      checkName: 'gone',
      at: 0,
      regions: [],
      quorum: 1,
      firstError: null,
    })
    await hub.tick()
    expect(hub.entries(other)).toEqual([])
  })
})

describe('timelineOutput', () => {
  it('keeps short output and the end of long output, within the limit', () => {
    expect(timelineOutput('  done\n')).toBe('done')
    const long = `${'é'.repeat(2_000)}\nFINAL: api is up`
    const kept = timelineOutput(long)
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(MAX_TIMELINE_OUTPUT_BYTES)
    expect(kept).toMatch(/^…é+\nFINAL: api is up$/)
  })
})
