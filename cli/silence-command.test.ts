/**
 * The commands against the real routes on a loopback server: what the user types
 * reaches the hub as a window, and what the hub refuses comes back as a clear error.
 */
import { exitTwoOnUsageErrors } from './main.ts'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { Command } from 'commander'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Silences } from '../hub/silences/silences.ts'
import { silenceRoutes } from '../hub/api/silence-routes.ts'
import { HubState } from '../hub/store/hub-state.ts'
import { ManualClock } from '../lib/clock.ts'
import { registerSilenceCommands } from './silence-command.ts'
import { tempDir } from '../test/fixtures/temp-dir.ts'

const TOKEN = 'cli-test-token'

let dir: string
let server: ServerType
let hub: string
let silences: Silences

beforeEach(async () => {
  dir = tempDir('vantage-silence-cli-')
  const config = () => ({ project: 'Acme', channels: [], checks: [] })
  silences = await Silences.open(await HubState.open(dir), {
    clock: new ManualClock(Date.now()),
    config,
  })
  const app = silenceRoutes({ silences, apiToken: TOKEN })
  server = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    )
  })
  hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterEach(async () => {
  vi.restoreAllMocks()
  await new Promise((resolve) => server.close(resolve))
})

/** Runs `vantage ...args` and returns what it printed, and its exit code when it exited. */
async function vantage(...args: string[]): Promise<{ out: string; err: string; code?: number }> {
  let out = ''
  let err = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk)
    return true
  })
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk)
    return true
  })
  class Exit extends Error {
    constructor(readonly code: number) {
      super(`exit ${code}`)
    }
  }
  vi.spyOn(process, 'exit').mockImplementation((code) => {
    throw new Exit(Number(code ?? 0))
  })
  const program = new Command('vantage')
  registerSilenceCommands(program)
  exitTwoOnUsageErrors(program)
  try {
    await program.parseAsync(['node', 'vantage', ...args])
    return { out, err }
  } catch (error) {
    if (error instanceof Exit) return { out, err, code: error.code }
    throw error
  } finally {
    vi.restoreAllMocks()
  }
}

describe('vantage silence', () => {
  it('adds, lists and removes a silence', async () => {
    const added = await vantage(
      'silence',
      'add',
      '--hub',
      hub,
      '--api-token',
      TOKEN,
      '--check',
      'api',
      '--check',
      'web',
      '--for',
      '2h',
      '--reason',
      'deploy',
      '--by',
      'alice',
    )
    expect(added.code).toBeUndefined()
    const id = /^silence (s-[0-9a-f]{8}) created$/m.exec(added.out)?.[1]
    expect(id, added.out + added.err).toBeDefined()
    expect(added.out).toContain('  matches: checks api, web\n')
    expect(added.out).toMatch(/ {2}state: {3}active until .* \(2h left\)/)
    expect(silences.list()).toMatchObject([{ id, createdBy: 'alice', reason: 'deploy' }])

    const listed = await vantage('silence', 'list', '--hub', hub, '--json')
    expect(JSON.parse(listed.out)).toMatchObject([{ id, match: { checks: ['api', 'web'] } }])

    const removed = await vantage('silence', 'remove', id!, '--hub', hub, '--api-token', TOKEN)
    expect(removed.out).toBe(`removed silence ${id}\n`)
    expect(silences.list()).toEqual([])
  })

  it('adds a recurring maintenance window', async () => {
    const added = await vantage(
      'maintenance',
      'add',
      '--hub',
      hub,
      '--api-token',
      TOKEN,
      '--tag',
      'db',
      '--cron',
      '0 2 * * 0',
      '--duration',
      '1h',
    )
    expect(added.out).toMatch(/^maintenance window m-[0-9a-f]{8} created$/m)
    expect(added.out).toContain('  when:    cron "0 2 * * 0" for 1h (UTC)\n')
    expect(silences.list()).toMatchObject([{ kind: 'maintenance', cron: '0 2 * * 0' }])
  })

  it('exits 1 with a clear message without the token, and 2 on bad flags', async () => {
    const refused = await vantage('silence', 'add', '--hub', hub, '--check', 'api', '--for', '1h')
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('with --api-token (or VANTAGE_API_TOKEN)')

    const unmatched = await vantage('silence', 'add', '--hub', hub, '--for', '1h')
    expect(unmatched).toMatchObject({ code: 2, err: expect.stringContaining('say what to match') })

    const unknown = await vantage(
      'silence',
      'remove',
      's-00000000',
      '--hub',
      hub,
      '--api-token',
      TOKEN,
    )
    expect(unknown).toMatchObject({ code: 1, err: 'vantage silence: no silence "s-00000000"\n' })
    expect(silences.list()).toEqual([])
  })

  it('refuses a bad cron before asking the hub', async () => {
    const refused = await vantage(
      'maintenance',
      'add',
      '--hub',
      hub,
      '--tag',
      'db',
      '--cron',
      '0 25 * * *',
      '--duration',
      '1h',
    )
    expect(refused.code).toBe(2)
    expect(refused.err).toContain('hour field "25" is out of range 0-23')
    expect(silences.list()).toEqual([])
  })
})
