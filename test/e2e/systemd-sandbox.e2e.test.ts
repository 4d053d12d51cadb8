/**
 * The generated systemd units: `systemd-analyze verify` accepts them, their exposure
 * is 3.0 or lower (printed), and a probe's host.readOnly check gives the same verdicts
 * inside the unit's sandbox as outside it. The sandbox is emulated as systemd builds it
 * for `ProtectSystem=strict`: a mount namespace (a slave of the host's, so host mounts
 * and remounts still reach it) where every mount is bound read-only, except the
 * unit's ReadWritePaths and its cache directory. Then a watched tmpfs is remounted
 * read-only on the host, and back, and both sides must agree each time. The unit that
 * does not list the watched mount shows why it must: there the check is DOWN while the
 * host is fine.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commandWorks, rootAvailable, toolAvailable } from '../fixtures/require-tool.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { mountTmpfs, type Tmpfs } from '../fixtures/tmpfs.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../../bin/vantage.js', import.meta.url))
const run = promisify(execFile)

/** `Key=value` lines of a unit, values of repeated keys joined by a space. */
function unitSettings(text: string): Map<string, string> {
  const settings = new Map<string, string>()
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line)
    if (!match) continue
    const [, key, value] = match
    settings.set(key!, settings.has(key!) ? `${settings.get(key!)} ${value}` : value!)
  }
  return settings
}

async function generate(args: string[], out: string): Promise<string> {
  await run(process.execPath, [VANTAGE_BIN, 'infra', 'systemd', ...args, '--out', out])
  const role = args[args.indexOf('--role') + 1]
  return join(out, `vantage-${role}.service`)
}

/**
 * A process holding a mount namespace laid out as ProtectSystem=strict lays it out,
 * with `writable` bound read-write again; commands run in it with nsenter.
 */
async function sandbox(writable: string[]): Promise<ChildProcess> {
  const script = [
    // Every mount read-only, but the API trees that systemd sets up on their own.
    "awk '{ print $5 }' /proc/self/mountinfo | while read -r mp; do",
    '  case "$mp" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;; esac',
    '  mount -o remount,bind,ro "$mp" 2>/dev/null || true',
    'done',
    // ReadWritePaths= and CacheDirectory=: bound onto themselves, read-write.
    ...writable.map(
      (path) =>
        `mount --bind ${JSON.stringify(path)} ${JSON.stringify(path)} && mount -o remount,bind,rw ${JSON.stringify(path)}`,
    ),
    'echo ready',
    'exec sleep 100000',
  ].join('\n')
  const holder = spawn('unshare', ['--mount', '--propagation', 'slave', 'sh', '-ec', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve()
    })
    holder.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)))
  })
  return holder
}

const canRun =
  rootAvailable('mount namespaces and a tmpfs') &&
  toolAvailable('unshare and nsenter (util-linux)', commandWorks('nsenter', ['--version'])) &&
  toolAvailable('systemd-analyze (systemd)', commandWorks('systemd-analyze', ['--version']))

describe.runIf(canRun)('the generated systemd units', () => {
  const dir = useTempDir('vantage-units-')
  let tmpfs: Tmpfs
  let monitors: string
  let probeUnit: string
  const holders: ChildProcess[] = []

  beforeAll(async () => {
    tmpfs = mountTmpfs({ size: '1m' })
    monitors = join(dir.path, 'monitors.ts')
    writeFileSync(
      monitors,
      `export default {
  defaults: { regions: ['eu-west'], timeout: '5s' },
  checks: [
    { kind: 'http', id: 'home', url: 'http://127.0.0.1:9/' },
    { kind: 'host.readOnly', id: 'app-disks', on: { labels: { role: 'app' } }, include: [${JSON.stringify(tmpfs.dir)}] },
  ],
}
`,
    )
    probeUnit = await generate(
      ['--role', 'probe', '--checks', monitors, '--label', 'role=app'],
      dir.path,
    )
  })

  afterAll(() => {
    for (const holder of holders) holder.kill('SIGKILL')
    tmpfs?.unmount()
  })

  it('pass systemd-analyze verify, with an exposure of 3.0 or lower', async () => {
    const hubUnit = await generate(['--role', 'hub'], dir.path)
    for (const unit of [hubUnit, probeUnit]) {
      await run('systemd-analyze', ['verify', unit])
      const { stdout } = await run('systemd-analyze', ['security', '--offline=true', unit])
      const exposure = /Overall exposure level for \S+: ([\d.]+)/.exec(stdout)
      expect(exposure, stdout).not.toBeNull()
      console.log(`systemd-analyze security: ${exposure![0]}`)
      expect(Number(exposure![1])).toBeLessThanOrEqual(3)
    }
  })

  it('list the watched mount as writable, and keep /tmp shared since the mount is under it', () => {
    const settings = unitSettings(readFileSync(probeUnit, 'utf8'))
    expect(settings.get('ProtectSystem')).toBe('strict')
    expect(settings.get('ReadWritePaths')?.split(' ')).toContain(`-${tmpfs.dir}`)
    expect(settings.has('PrivateTmp')).toBe(false)
    expect(settings.get('AmbientCapabilities')).toBe('CAP_NET_RAW')
  })

  it('give host.readOnly the same verdicts inside the sandbox as outside, across a remount', async () => {
    const settings = unitSettings(readFileSync(probeUnit, 'utf8'))
    const readWrite = settings
      .get('ReadWritePaths')!
      .split(' ')
      .map((path) => path.replace(/^-/, ''))
      .filter((path) => path === tmpfs.dir)
    // Stands in for /var/cache/vantage-probe, the unit's TMPDIR.
    const cache = join(dir.path, 'cache')
    await run('mkdir', ['-p', cache])
    const unit = await sandbox([...readWrite, cache])
    const shipped = await sandbox([cache]) // the same unit without the watched mount
    holders.push(unit, shipped)

    const verdict = async (holder?: ChildProcess): Promise<string> => {
      const command = [
        process.execPath,
        VANTAGE_BIN,
        'test',
        '--host',
        '--json',
        '--grep',
        'app-disks',
        monitors,
      ]
      const [file, ...args] = holder
        ? ['nsenter', '-t', String(holder.pid), '-m', '--', ...command]
        : command
      const { stdout } = await run(file!, args, {
        env: { ...process.env, TMPDIR: cache },
      }).catch((error: { stdout: string }) => ({ stdout: error.stdout }))
      const results = JSON.parse(stdout) as { checkId: string; status: string }[]
      return results.find((result) => result.checkId === 'app-disks')!.status
    }

    expect(await verdict()).toBe('up')
    expect(await verdict(unit)).toBe('up')
    expect(await verdict(shipped)).toBe('down')

    tmpfs.remount('ro')
    expect(await verdict()).toBe('down')
    expect(await verdict(unit)).toBe('down')

    tmpfs.remount('rw')
    expect(await verdict()).toBe('up')
    expect(await verdict(unit)).toBe('up')
  }, 180_000)
})
