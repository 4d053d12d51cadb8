/**
 * A team adopts Vantage from the packed package, as a new user would: `npm pack` of
 * this repository, the tarball installed offline into a fresh directory outside it,
 * `vantage init` there, the monitors file type-checked against the shipped
 * declarations, then `vantage validate`, `vantage test` and `vantage deploy` against a
 * hub started from the same install.
 *
 * Offline means from the npm cache `npm ci` of this repository filled. That install
 * kept package tarballs, not registry metadata, so the fresh directory gets a lockfile
 * made from this repository's (the same versions the tarball depends on). Install
 * scripts are skipped and better-sqlite3's compiled addon is copied from this
 * repository's install of the same version: compiling SQLite again takes minutes on
 * two cores and tests nothing of Vantage's.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDnsServer, type DnsServer } from '../fixtures/dns-server.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { waitFor } from './processes.ts'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)
const MINUTES = 60_000

interface LockEntry {
  dev?: boolean
  link?: boolean
  [key: string]: unknown
}

/** package.json and package-lock.json for a project that depends on the tarball only. */
function writeProject(dir: string, tarball: string): void {
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>
  }
  const own = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >
  const spec = `file:${tarball}`
  const packages: Record<string, unknown> = {
    '': { name: 'team-monitoring', dependencies: { 'vantage-monitoring': spec } },
    'node_modules/vantage-monitoring': {
      version: own.version,
      resolved: spec,
      dependencies: own.dependencies,
      bin: own.bin,
      engines: own.engines,
    },
  }
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path !== '' && !entry.dev && !entry.link) packages[path] = entry
  }
  const name = 'team-monitoring'
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name, private: true, dependencies: { 'vantage-monitoring': spec } }, null, 2)}\n`,
  )
  writeFileSync(
    join(dir, 'package-lock.json'),
    `${JSON.stringify({ name, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  )
}

/** Replaces `from` in `text`, failing when it is not there (the scaffold changed). */
function swap(text: string, from: string, to: string): string {
  expect(text, `the scaffold's monitors.ts has ${from}`).toContain(from)
  return text.replace(from, to)
}

describe('installing from the packed tarball into a fresh directory', () => {
  const work = useTempDir('vantage-adopt-')
  let project: string
  let vantage: string
  let target: TargetServer
  let dnsServer: DnsServer
  let hub: ChildProcess | undefined
  let hubOutput = ''

  /** Runs the installed `vantage` in the project; never throws, returns its exit code. */
  async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
    try {
      const { stdout, stderr } = await run(vantage, args, {
        cwd: project,
        env: { ...process.env, ...env },
      })
      return { code: 0, stdout, stderr }
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string }
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
    }
  }

  beforeAll(async () => {
    target = await startTargetServer()
    dnsServer = await startDnsServer()
    const packed = join(work.path, 'packed')
    mkdirSync(packed)
    await run('npm', ['pack', '--pack-destination', packed], { cwd: REPO })
    const tarball = readdirSync(packed).find((file) => file.endsWith('.tgz'))
    expect(tarball).toMatch(/^vantage-monitoring-\d+\.\d+\.\d+\.tgz$/)

    project = join(work.path, 'team-monitoring')
    mkdirSync(project)
    writeProject(project, join(packed, tarball!))
    await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: project,
    })
    const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'
    mkdirSync(join(project, addon, '..'), { recursive: true })
    copyFileSync(join(REPO, addon), join(project, addon))
    vantage = join(project, 'node_modules/.bin/vantage')
  }, 6 * MINUTES)

  afterAll(async () => {
    if (hub && hub.exitCode === null) {
      const exited = new Promise((resolve) => hub!.once('exit', resolve))
      hub.kill('SIGTERM')
      await exited
    }
    await target?.close()
    await dnsServer?.close()
  })

  it('ships the sources, the bin and the declarations, and no tests', () => {
    const installed = join(project, 'node_modules/vantage-monitoring')
    expect(existsSync(join(installed, 'dist/types/checks/index.d.ts'))).toBe(true)
    expect(existsSync(join(installed, 'bin/vantage.js'))).toBe(true)
    expect(existsSync(join(installed, 'checks/index.ts'))).toBe(true)
    expect(existsSync(join(installed, 'checks/validate.test.ts'))).toBe(false)
    expect(existsSync(join(installed, 'test'))).toBe(false)
  })

  it('vantage init scaffolds the repository, keeping the package.json the install made', async () => {
    const init = await cli(['init'])
    expect(init.code, init.stderr).toBe(0)
    expect(init.stdout).toContain('package.json')
    expect(init.stdout).toContain('kept: it already depends on vantage-monitoring')
    for (const file of [
      'tsconfig.json',
      'monitors.ts',
      '.gitignore',
      '.github/workflows/monitoring.yml',
    ]) {
      expect(existsSync(join(project, file)), file).toBe(true)
    }
    const again = await cli(['init'])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('nothing was written')
  })

  it('type-checks monitors.ts against the shipped declarations, and catches a wrong type', async () => {
    // What the scaffold's devDependencies bring, if no dependency brought it: the types
    // of process.env.
    const typesNode = join(project, 'node_modules/@types/node')
    if (!existsSync(typesNode)) {
      mkdirSync(join(typesNode, '..'), { recursive: true })
      symlinkSync(join(REPO, 'node_modules/@types/node'), typesNode)
    }
    const tsc = (): Promise<string> =>
      run(join(REPO, 'node_modules/.bin/tsc'), ['-p', project]).then(
        () => '',
        (error: { stdout: string }) => error.stdout || 'tsc failed',
      )
    expect(await tsc()).toBe('')
    writeFileSync(
      join(project, 'wrong.ts'),
      "import { tcp } from 'vantage-monitoring'\nexport const check = tcp('db', { host: 'db', port: '5432' })\n",
    )
    const failed = await tsc()
    expect(failed).toMatch(/wrong\.ts\(2,\d+\): error TS2322/)
  }, 180_000)

  it('validates the scaffold, and a hub from the same install starts with it', async () => {
    const validate = await cli(['validate', 'monitors.ts'])
    expect(validate.code, validate.stderr).toBe(0)
    expect(validate.stdout).toContain('monitors.ts: OK, 7 check(s)')

    hub = spawn(
      vantage,
      ['hub', '--checks', 'monitors.ts', '--data', join(work.path, 'hub-data')].concat([
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--mqtt-port',
        '0',
      ]),
      { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    hub.stdout!.on('data', (chunk: Buffer) => (hubOutput += chunk.toString()))
    hub.stderr!.on('data', (chunk: Buffer) => (hubOutput += chunk.toString()))
    await waitFor('the hub to print its status page URL', () =>
      /status page\s+http:\/\/\S+/.test(hubOutput),
    )
  }, 120_000)

  it('tests the checks once from here after the targets are swapped for real ones', async () => {
    let monitors = readFileSync(join(project, 'monitors.ts'), 'utf8')
    monitors = swap(monitors, "url: 'https://example.com/'", `url: '${target.url}/'`)
    monitors = swap(
      monitors,
      "ping('website-ping', { host: 'example.com'",
      "ping('website-ping', { host: '127.0.0.1'",
    )
    monitors = swap(
      monitors,
      "tcp('website-https-port', { host: 'example.com', port: 443 })",
      `tcp('website-https-port', { host: '127.0.0.1', port: ${target.port} })`,
    )
    monitors = swap(
      monitors,
      "dns('website-dns', { name: 'example.com'",
      `dns('website-dns', { server: '127.0.0.1:${dnsServer.port}', name: 'vantage.test'`,
    )
    writeFileSync(join(project, 'monitors.ts'), monitors)
    const test = await cli(['test', 'monitors.ts'])
    expect(test.code, `${test.stdout}\n${test.stderr}`).toBe(0)
    expect(test.stdout).toMatch(/4 up, 0 degraded, 0 down, 0 inconclusive, 3 skipped/)
  })

  it('deploys the changed file to the hub', async () => {
    const url = /status page\s+(http:\/\/\S+)/.exec(hubOutput)![1]!
    const deploy = await cli(['deploy', 'monitors.ts'], { VANTAGE_HUB_URL: url })
    expect(deploy.code, `${deploy.stdout}\n${deploy.stderr}`).toBe(0)
    expect(deploy.stdout).toMatch(/~ website \(http\)/)
    expect(deploy.stdout).toMatch(/deployed version 2-[0-9a-f]+/)
    const check = (await (await fetch(`${url}/api/v1/checks/website`)).json()) as {
      spec?: { url?: string }
    }
    expect(JSON.stringify(check)).toContain(target.url)
  })
})
