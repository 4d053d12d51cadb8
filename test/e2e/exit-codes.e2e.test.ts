/**
 * The exit-code table in docs/operating.md is what the CLI does: every row's every code
 * has a scenario here that makes the real command exit with it. A row (or a code) the
 * table adds without a scenario fails the test, and so does a scenario whose command
 * exits otherwise.
 */
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { writeMonitors } from './network.ts'
import {
  startHubProcess,
  startProbeProcess,
  waitFor,
  type HubProcess,
  type VantageProcess,
} from './processes.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../../bin/vantage.js', import.meta.url))
const OPERATING = fileURLToPath(new URL('../../docs/operating.md', import.meta.url))
const TOKEN = 'exit-code-test-token'
/** What the last command printed, for the failure message. */
let lastOutput = ''

/** The table's rows: the command cell as written, and the codes its text lists. */
function exitCodeRows(markdown: string): { command: string; codes: number[] }[] {
  const section = markdown.split('## Exit codes')[1]!.split('\n## ')[0]!
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `vantage'))
    .map((line) => {
      const [, command, text] = line.split('|').map((cell) => cell.trim())
      const codes = [...text!.matchAll(/(?:^|; )(\d+) |with (\d+)$/g)].map((m) =>
        Number(m[1] ?? m[2]),
      )
      return { command: command!, codes: [...new Set(codes)].sort((a, b) => a - b) }
    })
}

/**
 * Runs `vantage` to its end and returns its exit code. Asynchronously: the target server
 * the checks hit lives in this process and must keep answering meanwhile.
 */
async function vantage(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
): Promise<number | null> {
  const base = { ...process.env }
  delete base.VANTAGE_HUB_URL
  delete base.VANTAGE_API_TOKEN
  const child = spawn(process.execPath, [VANTAGE_BIN, ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  clearTimeout(timer)
  lastOutput = `vantage ${args.join(' ')}\n${output}`
  return code
}

/** Starts `vantage args`, waits for `ready` on stdout, sends `signals`, returns the code. */
async function signalled(
  args: string[],
  ready: RegExp,
  signals: NodeJS.Signals[],
  timing: { before?: () => Promise<unknown>; betweenMs?: number } = {},
): Promise<number | null> {
  const child = spawn(process.execPath, [VANTAGE_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  await waitFor(`${args[0]} to start`, () => ready.test(output), 60_000)
  await timing.before?.()
  for (const [i, signal] of signals.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, timing.betweenMs ?? 0))
    child.kill(signal)
  }
  const code = await exited
  lastOutput = `vantage ${args.join(' ')}\n${output}`
  return code
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('the exit-code table in docs/operating.md', () => {
  const dir = useTempDir('vantage-exit-codes-')
  const rows = exitCodeRows(readFileSync(OPERATING, 'utf8'))
  let target: TargetServer
  let hub: HubProcess
  let probe: VantageProcess
  let good: string
  let broken: string
  let down: string
  const hubData = () => join(dir.path, 'hub')
  const api = () => ({ VANTAGE_HUB_URL: hub.httpUrl, VANTAGE_API_TOKEN: TOKEN })
  const wrongToken = () => ({ VANTAGE_HUB_URL: hub.httpUrl, VANTAGE_API_TOKEN: 'wrong' })
  const probeArgs = (id: string) =>
    ['probe', '--hub', hub.mqttUrl, '--id', id, '--region', 'eu-west'].concat([
      '--data',
      join(dir.path, id),
      '--keepalive',
      '5',
    ])

  beforeAll(async () => {
    target = await startTargetServer()
    good = writeMonitors(join(dir.path), {
      defaults: { regions: ['eu-west'], every: '1s', timeout: '2s', alert: { failAfter: 1 } },
      checks: [{ kind: 'http', id: 'home', url: `${target.url}/` }],
    })
    broken = join(dir.path, 'broken.ts')
    writeFileSync(broken, "export default { checks: [{ kind: 'smtp', id: 'what' }] }\n")
    down = join(dir.path, 'down.ts')
    writeFileSync(
      down,
      "export default { defaults: { regions: ['eu-west'], timeout: '2s' }, checks: [{ kind: 'tcp', id: 'closed', host: '127.0.0.1', port: 9 }] }\n",
    )
    hub = await startHubProcess({
      checksFile: good,
      dataDir: hubData(),
      args: ['--api-token', TOKEN],
    })
  })

  afterAll(async () => {
    await probe?.stop()
    await hub?.stop()
    await target?.close()
  })

  /** Each row's scenarios, by code; run in order, so later ones may rely on earlier ones. */
  const scenarios: Record<string, Record<number, () => Promise<number | null> | number | null>> = {
    '`vantage validate`': {
      0: () => vantage(['validate', good]),
      1: () => vantage(['validate', broken]),
    },
    '`vantage test`': {
      0: () => vantage(['test', good]),
      1: () => vantage(['test', down]),
    },
    '`vantage init`': {
      0: () => vantage(['init', join(dir.path, 'repo')]),
      1: () => vantage(['init', join(dir.path, 'repo')]),
    },
    '`vantage infra mosquitto`': {
      0: () => vantage(['infra', 'mosquitto', '--data', hubData(), '--out', join(dir.path, 'mq')]),
      2: () =>
        vantage(['infra', 'mosquitto', '--out', join(dir.path, 'mq'), '--tls-cert', 'x.pem']),
    },
    '`vantage infra systemd`': {
      0: () => vantage(['infra', 'systemd', '--role', 'hub', '--out', dir.path]),
      1: () => vantage(['infra', 'systemd', '--role', 'probe', '--checks', broken, '--out', '-']),
      2: () => vantage(['infra', 'systemd', '--role', 'broker', '--out', '-']),
    },
    '`vantage token`': {
      0: () =>
        vantage([
          'token',
          'create',
          'probe',
          'eu-west-9',
          '--region',
          'eu-west',
          '--data',
          hubData(),
        ]),
      1: () => vantage(['token', 'revoke', 'no-such-probe', '--data', hubData()]),
    },
    '`vantage deploy`': {
      0: () => vantage(['deploy', good, '--dry-run'], api()),
      1: () => vantage(['deploy', broken], api()),
      2: () => vantage(['deploy', good, '--no-such-flag'], api()),
    },
    '`vantage status`': {
      0: () => vantage(['status'], api()),
      1: () => vantage(['status'], { VANTAGE_HUB_URL: 'http://127.0.0.1:9' }),
      3: () => vantage(['status'], wrongToken()),
      4: async () => {
        probe = await startProbeProcess({
          mqttUrl: hub.mqttUrl,
          id: 'eu-west-1',
          region: 'eu-west',
          dataDir: join(dir.path, 'eu-west-1'),
        })
        await target.setMode('error')
        // Two failed runs (failAfter 1, confirmed) make it DOWN within seconds.
        await waitFor(
          'vantage status to say DOWN',
          async () => (await vantage(['status'], api())) === 4,
          45_000,
          1_000,
        )
        return vantage(['status'], api())
      },
    },
    '`vantage incidents`, `ack`, `silence`, `maintenance`': {
      0: () =>
        vantage(['silence', 'add', '--tag', 'demo', '--for', '10m', '--reason', 'test'], api()),
      1: () => vantage(['ack', '01ARZ3NDEKTSV4RRFFQ69G5FAV'], api()),
      3: () => vantage(['incidents', 'list'], wrongToken()),
    },
    '`vantage probe remove`, `drain`, `resume`': {
      0: () => vantage(['probe', 'drain', 'eu-west-1'], api()),
      1: () => vantage(['probe', 'drain', 'no-such-probe'], api()),
      3: () => vantage(['probe', 'resume', 'eu-west-1'], wrongToken()),
    },
    '`vantage probe`': {
      0: () => signalled(probeArgs('eu-west-2'), /Vantage probe .* running/, ['SIGTERM']),
      2: () => vantage(['probe', '--hub', hub.mqttUrl, '--id', 'eu-west-3']),
      3: () =>
        vantage(probeArgs('eu-west-9'), {
          VANTAGE_PASSWORD: 'eu-west.not-the-token-that-was-made-for-it',
        }),
    },
    '`vantage hub`': {
      1: () => vantage(['hub', '--checks', broken, '--data', join(dir.path, 'hub-broken')]),
      2: () =>
        vantage(
          ['hub', '--checks', good, '--data', join(dir.path, 'hub-2')].concat([
            '--host',
            '127.0.0.1',
            '--port',
            new URL(hub.httpUrl).port,
          ]),
        ),
      0: () =>
        signalled(
          ['hub', '--checks', good, '--data', join(dir.path, 'hub-3')].concat([
            '--host',
            '127.0.0.1',
            '--port',
            '0',
            '--mqtt-port',
            '0',
          ]),
          /status page/,
          ['SIGTERM'],
        ),
    },
    '`vantage demo`': {
      2: () =>
        vantage(['demo', '--data', join(dir.path, 'demo-2'), '--port', new URL(hub.httpUrl).port]),
      1: async () => {
        const ports = await Promise.all([freePort(), freePort(), freePort()])
        return vantage(
          [
            'demo',
            '--checks',
            broken,
            '--data',
            join(dir.path, 'demo-1'),
            '--port',
            String(ports[0]),
          ].concat(['--mqtt-port', String(ports[1]), '--target-port', String(ports[2])]),
        )
      },
      0: async () => {
        const ports = await Promise.all([freePort(), freePort(), freePort()])
        return signalled(
          ['demo', '--data', join(dir.path, 'demo-0'), '--port', String(ports[0])].concat([
            '--mqtt-port',
            String(ports[1]),
            '--target-port',
            String(ports[2]),
          ]),
          /Vantage demo is running/,
          ['SIGINT'],
        )
      },
    },
    '`vantage hub`, `probe`, `demo`': {
      // The only live probe of eu-west by now; with the target hanging, its run is in
      // flight (until its 2 s timeout) when the signals come, so it is still stopping at
      // the second one. Signals sent together would merge into one.
      130: async () => {
        await probe.stop()
        await target.setMode('hang')
        const before = target.stats().requests
        return signalled(
          probeArgs('eu-west-4'),
          /Vantage probe .* running/,
          ['SIGTERM', 'SIGTERM'],
          {
            before: () => waitFor('a run in flight', () => target.stats().requests > before),
            betweenMs: 300,
          },
        )
      },
    },
  }

  it('has a scenario for every code of every row, and a row for every scenario', () => {
    const documented = Object.fromEntries(rows.map((row) => [row.command, row.codes]))
    const tested = Object.fromEntries(
      Object.entries(scenarios).map(([command, codes]) => [
        command,
        Object.keys(codes)
          .map(Number)
          .sort((a, b) => a - b),
      ]),
    )
    expect(tested).toEqual(documented)
  })

  for (const [command, codes] of Object.entries(scenarios)) {
    it(`${command} exits as documented`, async () => {
      for (const [code, scenario] of Object.entries(codes)) {
        lastOutput = ''
        const exit = await scenario()
        expect(exit, `${command} exit ${code}\n${lastOutput.slice(-3000)}`).toBe(Number(code))
      }
    }, 180_000)
  }
})
