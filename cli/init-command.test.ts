/**
 * `vantage init`: the scaffold validates as written, and init never overwrites a file.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../test/fixtures/temp-dir.ts'
import { initProject, projectName } from './init-command.ts'
import { loadMonitors } from './load-monitors.ts'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const SCAFFOLD = [
  'package.json',
  'tsconfig.json',
  'monitors.ts',
  '.gitignore',
  '.github/workflows/monitoring.yml',
]

describe('vantage init', () => {
  it('writes a project whose monitors file validates, with one check of each kind', async () => {
    const dir = join(tempDir('vantage-init-'), 'Team Monitoring')
    const outcome = initProject(dir)
    expect(outcome.refused).toEqual([])
    expect(SCAFFOLD.every((file) => existsSync(join(dir, file)))).toBe(true)
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    expect(pkg.name).toBe('team-monitoring')
    expect(pkg.dependencies['vantage-monitoring']).toMatch(/^\^\d+\.\d+\.\d+/)
    // As `npm install` would leave it: the package in node_modules.
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(REPO, join(dir, 'node_modules', 'vantage-monitoring'))
    // The Slack channel too, which the file adds when its variable is set.
    process.env.SLACK_WEBHOOK_URL = 'https://hooks.slack.com/services/T000/B000/XXXX'
    const loaded = await loadMonitors(join(dir, 'monitors.ts')).finally(
      () => delete process.env.SLACK_WEBHOOK_URL,
    )
    expect(loaded.ok ? [] : loaded.errors).toEqual([])
    expect(loaded.ok && loaded.config.channels.map((channel) => channel.type)).toEqual([
      'console',
      'slack',
    ])
    const kinds = loaded.ok ? loaded.config.checks.map((check) => check.kind.split('.')[0]) : []
    expect(new Set(kinds)).toEqual(new Set(['http', 'ping', 'tcp', 'dns', 'heartbeat', 'host']))
    const workflow = readFileSync(join(dir, '.github/workflows/monitoring.yml'), 'utf8')
    for (const command of ['validate', 'test', 'deploy']) {
      expect(workflow).toContain(`npx vantage ${command} monitors.ts`)
    }
  })

  it('writes nothing when a file it would write exists, and names it', () => {
    const dir = tempDir('vantage-init-')
    writeFileSync(join(dir, 'monitors.ts'), '// mine\n')
    const outcome = initProject(dir)
    expect(outcome.refused).toEqual(['monitors.ts'])
    expect(outcome.written).toEqual([])
    expect(readFileSync(join(dir, 'monitors.ts'), 'utf8')).toBe('// mine\n')
    expect(existsSync(join(dir, 'package.json'))).toBe(false)
  })

  it('keeps a package.json that already depends on Vantage, and refuses any other', () => {
    const installed = tempDir('vantage-init-')
    const pkg =
      '{ "dependencies": { "vantage-monitoring": "file:../vantage-monitoring-0.1.0.tgz" } }\n'
    writeFileSync(join(installed, 'package.json'), pkg)
    const outcome = initProject(installed)
    expect(outcome.kept).toEqual(['package.json'])
    expect(readFileSync(join(installed, 'package.json'), 'utf8')).toBe(pkg)
    expect(existsSync(join(installed, 'monitors.ts'))).toBe(true)

    const other = tempDir('vantage-init-')
    writeFileSync(join(other, 'package.json'), '{ "name": "web-app" }\n')
    expect(initProject(other).refused).toEqual(['package.json'])
    expect(existsSync(join(other, 'monitors.ts'))).toBe(false)
  })

  it('names the package after its directory, as npm accepts it', () => {
    expect(projectName('/srv/Acme Monitoring')).toBe('acme-monitoring')
    expect(projectName('/srv/.hidden')).toBe('hidden')
  })
})
