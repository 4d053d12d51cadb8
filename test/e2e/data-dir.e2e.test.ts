/**
 * A data directory belongs to one process, its secrets are private whatever the umask,
 * and a busy port is one line and exit 2 before anything is written: for the hub, the
 * probe and the demo, as real processes.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

/** Runs `vantage` to its end with a permissive umask, as a careless shell would start it. */
function vantage(args: string[], timeout = 30_000) {
  return spawnSync(
    'sh',
    ['-c', 'umask 000; exec "$0" "$@"', process.execPath, VANTAGE_BIN, ...args],
    {
      encoding: 'utf8',
      timeout,
    },
  )
}

/** Files the running owner keeps writing: only their names and modes must stay. */
const LIVE = /\.db(-wal|-shm)?$|state\.json$/

/**
 * Every file and directory under `dir` with its mode, and the size and mtime of those
 * the running owner does not write: to show a refused process changed nothing.
 */
function snapshot(dir: string): string[] {
  const out: string[] = []
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name)
      const stat = statSync(full)
      const content = LIVE.test(full) || entry.isDirectory() ? '' : ` ${stat.size} ${stat.mtimeMs}`
      out.push(`${full} ${(stat.mode & 0o777).toString(8)}${content}`)
      if (entry.isDirectory()) walk(full)
    }
  }
  walk(dir)
  return out.sort()
}

/** Paths under `dir` (itself included) that others than the owner could read. */
function notPrivate(dir: string): string[] {
  const loose: string[] = []
  const check = (path: string) => {
    const stat = statSync(path)
    const expected = stat.isDirectory() ? 0o700 : 0o600
    if ((stat.mode & 0o777 & ~0o700) !== 0 || (stat.mode & 0o777) > expected)
      loose.push(`${path} ${(stat.mode & 0o777).toString(8)}`)
    if (stat.isDirectory()) for (const entry of readdirSync(path)) check(join(path, entry))
  }
  check(dir)
  return loose
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('data directories and ports', () => {
  const dir = useTempDir('vantage-datadir-')
  let monitors: string
  let hub: HubProcess
  let probe: VantageProcess
  const hubData = () => join(dir.path, 'hub')
  const probeData = () => join(dir.path, 'probe')

  beforeAll(async () => {
    monitors = writeMonitors(dir.path, {
      defaults: { regions: ['eu-west'], every: '1s' },
      checks: [
        { kind: 'http', id: 'home', url: 'http://127.0.0.1:9/' },
        { kind: 'heartbeat', id: 'nightly', every: '1d' },
      ],
    })
    // Started under umask 000 (children inherit it), the permissive shell whose files
    // would be world-readable unless Vantage makes them private.
    const umask = process.umask(0o000)
    try {
      hub = await startHubProcess({ checksFile: monitors, dataDir: hubData() })
      probe = await startProbeProcess({
        mqttUrl: hub.mqttUrl,
        id: 'eu-west-1',
        region: 'eu-west',
        dataDir: probeData(),
      })
    } finally {
      process.umask(umask)
    }
    await waitFor('a stored result', () => existsSync(join(probeData(), 'bundle.json')))
  })

  afterAll(async () => {
    await probe?.stop()
    await hub?.stop()
  })

  it('refuses a second hub on a hub data directory, saying who holds it, and changes nothing', () => {
    const before = snapshot(hubData())
    const second = vantage(
      ['hub', '--checks', monitors, '--data', hubData()].concat([
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--mqtt-port',
        '0',
      ]),
    )
    expect(second.status).toBe(2)
    expect(second.stderr).toMatch(
      new RegExp(
        `^vantage hub: data directory ${hubData()} is in use by a running Vantage hub \\(pid ${hub.child.pid}, since [^)]+\\): stop it first, or give this one its own --data\\n$`,
      ),
    )
    expect(snapshot(hubData())).toEqual(before)
  })

  it('refuses a second probe on a probe data directory', () => {
    const before = snapshot(probeData())
    const second = vantage(
      ['probe', '--hub', hub.mqttUrl, '--id', 'eu-west-2'].concat([
        '--region',
        'eu-west',
        '--data',
        probeData(),
      ]),
    )
    expect(second.status).toBe(2)
    expect(second.stderr).toContain(`is in use by a running Vantage probe (pid ${probe.child.pid}`)
    expect(snapshot(probeData())).toEqual(before)
  })

  it('says in one line that a port is in use, before writing anything', () => {
    const port = Number(new URL(hub.httpUrl).port)
    const fresh = join(dir.path, 'never-made')
    const busy = vantage(
      ['hub', '--checks', monitors, '--data', fresh].concat([
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--mqtt-port',
        '0',
      ]),
    )
    expect(busy.status).toBe(2)
    expect(busy.stderr).toBe(`vantage hub: port ${port} is in use: pass --port\n`)
    expect(existsSync(fresh)).toBe(false)

    const mqttPort = Number(new URL(hub.mqttUrl).port)
    const busyMqtt = vantage(
      ['hub', '--checks', monitors, '--data', fresh].concat([
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--mqtt-port',
        String(mqttPort),
      ]),
    )
    expect(busyMqtt.stderr).toBe(`vantage hub: port ${mqttPort} is in use: pass --mqtt-port\n`)
    expect(existsSync(fresh)).toBe(false)
  })

  it("says in one line that the probe's health port is in use, before writing anything", () => {
    const port = Number(new URL(hub.httpUrl).port)
    const fresh = join(dir.path, 'probe-never-made')
    const busy = vantage(
      ['probe', '--hub', hub.mqttUrl, '--id', 'eu-west-3', '--region', 'eu-west'].concat([
        '--data',
        fresh,
        '--health-port',
        String(port),
      ]),
    )
    expect(busy.status).toBe(2)
    expect(busy.stderr).toBe(`vantage probe: port ${port} is in use: pass --health-port\n`)
    expect(existsSync(fresh)).toBe(false)
  })

  it('keeps the database, state, keys, deploys, credentials and outbox private under umask 000', () => {
    const token = vantage([
      'token',
      'create',
      'probe',
      'us-east-1',
      '--region',
      'us-east',
      '--data',
      hubData(),
    ])
    expect(token.status, token.stderr).toBe(0)
    for (const file of ['hub.db', 'state.json', 'credentials.json', 'hub-key.pem', 'deploys']) {
      expect(existsSync(join(hubData(), file)), file).toBe(true)
    }
    expect(existsSync(join(probeData(), 'outbox.db'))).toBe(true)
    expect(notPrivate(hubData())).toEqual([])
    expect(notPrivate(probeData())).toEqual([])
  })
})

describe('the demo', () => {
  const dir = useTempDir('vantage-demo-lock-')

  it('refuses a second demo on the same data directory and wipes nothing; a busy port is one line', async () => {
    const [port, mqttPort, targetPort] = [await freePort(), await freePort(), await freePort()]
    const data = join(dir.path, 'demo')
    const demo = spawn(
      process.execPath,
      [VANTAGE_BIN, 'demo', '--data', data, '--port', String(port)].concat([
        '--mqtt-port',
        String(mqttPort),
        '--target-port',
        String(targetPort),
      ]),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    demo.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise((resolve) => demo.once('exit', resolve))
    try {
      await waitFor('the demo to run', () => output.includes('Vantage demo is running'), 60_000)
      await waitFor(
        'every demo probe to hold a config',
        () =>
          ['eu-west-1', 'us-east-1', 'ap-south-1'].every((id) =>
            existsSync(join(data, 'probes', id, 'bundle.json')),
          ),
        60_000,
      )
      const before = snapshot(data).filter((line) => !line.includes('/logs/'))
      const others = [await freePort(), await freePort(), await freePort()]
      const second = vantage(
        ['demo', '--data', data, '--port', String(others[0])].concat([
          '--mqtt-port',
          String(others[1]),
          '--target-port',
          String(others[2]),
        ]),
      )
      expect(second.status).toBe(2)
      expect(second.stderr).toContain('is in use by a running Vantage demo')
      expect(existsSync(join(data, 'hub', 'hub.db'))).toBe(true)
      expect(snapshot(data).filter((line) => !line.includes('/logs/'))).toEqual(before)

      const busy = vantage(['demo', '--data', join(dir.path, 'other'), '--port', String(port)])
      expect(busy.status).toBe(2)
      expect(busy.stderr).toBe(`vantage demo: port ${port} is in use: pass --port\n`)
      expect(existsSync(join(dir.path, 'other'))).toBe(false)
    } finally {
      demo.kill('SIGTERM')
      await exited
    }
  }, 180_000)
})
