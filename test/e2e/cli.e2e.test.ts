/** The `vantage` command as a user runs it: help texts, and refusing a broken monitors file. */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../fixtures/temp-dir.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../../bin/vantage.js', import.meta.url))
const dir = useTempDir('vantage-cli-')

function vantage(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [VANTAGE_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  })
}

describe('vantage CLI', () => {
  it('explains its commands and every flag', () => {
    const top = vantage(['--help'])
    expect(top.status).toBe(0)
    for (const command of ['hub', 'probe', 'demo', 'validate', 'token', 'infra'])
      expect(top.stdout).toContain(command)
    const hub = vantage(['hub', '--help'])
    for (const flag of ['--checks', '--port', '--mqtt-port', '--data', '--broker', 'VANTAGE_PORT'])
      expect(hub.stdout).toContain(flag)
    for (const flag of [
      '--insecure-demo',
      'VANTAGE_INSECURE_DEMO',
      '--mqtt-tls-cert',
      '--mqtt-tls-ca',
    ])
      expect(hub.stdout).toContain(flag)
    const probe = vantage(['probe', '--help'])
    for (const flag of ['--hub', '--id', '--region', '--label', '--hub-key', 'VANTAGE_HUB'])
      expect(probe.stdout).toContain(flag)
    for (const flag of ['--ca', '--cert', '--key', 'VANTAGE_TLS_CA', 'VANTAGE_PASSWORD'])
      expect(probe.stdout).toContain(flag)
  })

  it('refuses to start a hub on a monitors file with errors and lists them all', () => {
    const file = join(dir.path, 'broken.ts')
    writeFileSync(
      file,
      `export default {
        defaults: { regions: ['eu-west'] },
        checks: [
          { kind: 'http', id: 'ok', url: 'http://127.0.0.1:9/' },
          { kind: 'http', id: 'bad-every', url: 'http://127.0.0.1:9/', every: '7x' },
          { kind: 'smtp', id: 'what' },
          { kind: 'ping', id: 'ok', host: '127.0.0.1' },
        ],
      }\n`,
    )
    const run = vantage([
      'hub',
      '--checks',
      file,
      '--port',
      '0',
      '--mqtt-port',
      '0',
      '--data',
      join(dir.path, 'data'),
    ])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('checks[1].every: "7x" is not a duration')
    expect(run.stderr).toContain('checks[2].kind: unknown kind "smtp"')
    expect(run.stderr).toContain('checks[3].id: duplicate id "ok"')
    expect(run.stderr).toContain('not starting')
  })

  it('reads its options from the environment', () => {
    const run = vantage(['hub', '--port', '0', '--mqtt-port', '0'], {
      VANTAGE_CHECKS: join(dir.path, 'missing.ts'),
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('missing.ts: no such file')
  })

  it('rejects a bad flag value with a clear message', () => {
    const run = vantage(['probe', '--hub', 'http://nope', '--region', 'eu-west'])
    expect(run.status).not.toBe(0)
    expect(run.stderr).toContain('must start with mqtt://')
  })
})
