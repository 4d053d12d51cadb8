/**
 * infra/install-probe.sh into a temporary root directory: --dry-run prints every action
 * and changes nothing; an install creates the user, the root-only settings with the
 * token and the hub key fingerprint, and a unit made by the installed vantage that
 * systemd-analyze accepts; a second run upgrades and keeps what it is not given again;
 * --uninstall removes it all but the data. npm is replaced by a stand-in that links
 * this repository as the installed package (the tarball install itself is covered by
 * install-tarball.e2e.test.ts), and systemctl is left out under --root.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { commandWorks, rootAvailable, toolAvailable } from '../fixtures/require-tool.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const SCRIPT = join(REPO, 'infra/install-probe.sh')
const FINGERPRINT = `sha256:${'0e'.repeat(32)}`

const canRun =
  rootAvailable('creating a user in a temporary root') &&
  toolAvailable('useradd (passwd)', commandWorks('useradd', ['--help'])) &&
  toolAvailable('systemd-analyze (systemd)', commandWorks('systemd-analyze', ['--version']))

function listing(dir: string): string[] {
  const out: string[] = []
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name)
      out.push(`${full} ${statSync(full).mtimeMs}`)
      if (entry.isDirectory() && !entry.isSymbolicLink()) walk(full)
    }
  }
  walk(dir)
  return out.sort()
}

describe.runIf(canRun)('infra/install-probe.sh', () => {
  const dir = useTempDir('vantage-install-probe-')
  let root: string
  let tarball: string
  let npm: string

  async function script(args: string[]) {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        'bash',
        [SCRIPT, '--root', root, ...args],
        {
          env: { ...process.env, NPM: npm },
        },
      )
      return { code: 0, stdout, stderr }
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string }
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
    }
  }

  beforeAll(() => {
    root = join(dir.path, 'root')
    mkdirSync(join(root, 'etc'), { recursive: true })
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n')
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\n')
    writeFileSync(join(root, 'etc/shadow'), '')
    writeFileSync(join(root, 'etc/gshadow'), '')
    tarball = join(dir.path, 'vantage-monitoring-0.1.0.tgz')
    writeFileSync(tarball, 'stands in for the packed package\n')
    writeFileSync(join(dir.path, 'token'), 'eu-west.first-token\n')
    npm = join(dir.path, 'npm')
    writeFileSync(
      npm,
      `#!/bin/sh
# Stands in for npm install --prefix P ... TARBALL: links this repository as the package.
while [ "$1" != "--prefix" ]; do shift; done
mkdir -p "$2/node_modules" && ln -sfn ${JSON.stringify(REPO)} "$2/node_modules/vantage-monitoring"
`,
      { mode: 0o755 },
    )
  })

  const install = [
    '--hub',
    'mqtt://hub.example.com:1883',
    '--id',
    'eu-west-1',
    '--region',
    'eu-west',
    '--label',
    'role=app',
    '--hub-key',
    FINGERPRINT,
    '--health-port',
    '9464',
  ]

  it('prints every action with --dry-run and changes nothing', async () => {
    const before = listing(root)
    const dry = await script([
      '--tarball',
      tarball,
      '--token-file',
      join(dir.path, 'token'),
      ...install,
      '--dry-run',
    ])
    expect(dry.code, dry.stderr).toBe(0)
    for (const action of [
      `+ install -d -m 0755 ${root}/opt/vantage`,
      '--system --user-group --no-create-home',
      `+ write ${root}/etc/vantage/probe.env (mode 0600)`,
      'infra systemd --role probe',
      '+ (skipped with --root) systemctl enable --now vantage-probe.service',
    ]) {
      expect(dry.stdout).toContain(action)
    }
    expect(listing(root)).toEqual(before)
  })

  it('installs the user, the private settings and a unit that systemd-analyze verifies', async () => {
    const run = await script([
      '--tarball',
      tarball,
      '--token-file',
      join(dir.path, 'token'),
      ...install,
    ])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('installing probe eu-west-1 (eu-west)')
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toMatch(
      /^vantage:x:\d+:\d+::\/nonexistent:/m,
    )
    const env = join(root, 'etc/vantage/probe.env')
    expect(statSync(env).mode & 0o777).toBe(0o600)
    expect(readFileSync(env, 'utf8')).toBe(
      [
        'VANTAGE_HUB=mqtt://hub.example.com:1883',
        'VANTAGE_PROBE_ID=eu-west-1',
        'VANTAGE_REGION=eu-west',
        'VANTAGE_LABELS=role=app',
        `VANTAGE_HUB_KEY=${FINGERPRINT}`,
        'VANTAGE_PASSWORD=eu-west.first-token',
        'VANTAGE_HEALTH_PORT=9464',
        '',
      ].join('\n'),
    )
    const unit = join(root, 'etc/systemd/system/vantage-probe.service')
    const text = readFileSync(unit, 'utf8')
    expect(text).toContain('ExecStart=')
    expect(text).toContain('/opt/vantage/node_modules/vantage-monitoring/bin/vantage.js probe')
    expect(text).toContain('User=vantage')
    await promisify(execFile)('systemd-analyze', ['verify', unit])
  })

  it('upgrades on a second run, keeping the settings it is not given again', async () => {
    writeFileSync(join(dir.path, 'token2'), 'eu-west.rotated-token\n')
    const run = await script(['--tarball', tarball, '--token-file', join(dir.path, 'token2')])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('upgrading probe eu-west-1 (eu-west)')
    expect(run.stdout).toContain('systemctl restart vantage-probe.service')
    expect(run.stdout).not.toContain('useradd')
    const env = readFileSync(join(root, 'etc/vantage/probe.env'), 'utf8')
    expect(env).toContain('VANTAGE_PASSWORD=eu-west.rotated-token\n')
    expect(env).toContain('VANTAGE_HUB=mqtt://hub.example.com:1883\n')
    expect(env).not.toContain('first-token')
  })

  it('says what is missing, in one line, and exits 2', async () => {
    const run = await script(['--tarball', join(dir.path, 'nope.tgz')])
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(
      `install-probe: --tarball ${join(dir.path, 'nope.tgz')} does not exist\n`,
    )
  })

  it('uninstalls the package, the unit and the settings, and keeps the data', async () => {
    mkdirSync(join(root, 'var/lib/vantage-probe'), { recursive: true })
    const run = await script(['--uninstall'])
    expect(run.code, run.stderr).toBe(0)
    for (const path of [
      'opt/vantage',
      'etc/vantage/probe.env',
      'etc/systemd/system/vantage-probe.service',
    ]) {
      expect(existsSync(join(root, path)), path).toBe(false)
    }
    expect(existsSync(join(root, 'var/lib/vantage-probe'))).toBe(true)
    expect(run.stdout).toContain('kept /var/lib/vantage-probe')
  })
})
