/**
 * Loading a real monitors file: a channel field left empty by an unset environment
 * variable is a warning (with the variable's name), not a silent success.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../test/fixtures/temp-dir.ts'
import { channelWarnings, formatWarnings, importMonitors, loadMonitors } from './load-monitors.ts'

const CHECKS_INDEX = fileURLToPath(new URL('../checks/index.ts', import.meta.url))

function monitorsFile(channels: string): string {
  const file = join(tempDir('vantage-load-monitors-'), 'monitors.ts')
  writeFileSync(
    file,
    `import { channels, defineMonitoring, http } from ${JSON.stringify(CHECKS_INDEX)}
export default defineMonitoring({
  project: 'Acme',
  defaults: { regions: ['eu-west'] },
  channels: [${channels}],
  checks: [http('api', { url: 'https://api.example.com/health' })],
})
`,
  )
  return file
}

describe('loading a monitors file', () => {
  it('warns about channel fields an unset environment variable left empty, naming it', async () => {
    delete process.env.VANTAGE_TEST_SMTP_PASS
    process.env.VANTAGE_TEST_HOOK_TOKEN = ''
    const file = monitorsFile(`
    channels.email('mail', {
      to: ['oncall@example.com'],
      from: 'vantage@example.com',
      smtp: { host: 'smtp.example.com', port: 587, user: 'vantage', pass: process.env.VANTAGE_TEST_SMTP_PASS },
    }),
    channels.webhook('ops', {
      url: 'https://hooks.example.com/x',
      headers: { authorization: \`Bearer \${process.env.VANTAGE_TEST_HOOK_TOKEN}\` },
    }),`)
    const loaded = await loadMonitors(file)
    // Both validate: the warning is the only sign, before an alert fails to go out.
    expect(loaded.ok).toBe(true)
    const unset =
      'unset or empty while the file loaded: VANTAGE_TEST_HOOK_TOKEN, VANTAGE_TEST_SMTP_PASS'
    expect(loaded.warnings).toEqual([
      `channel "mail" (email): smtp.pass is undefined; ${unset}`,
      `channel "ops" (webhook): headers.authorization ends with a blank ("Bearer "); ${unset}`,
    ])
    expect(formatWarnings(loaded.warnings)).toMatch(/^warning: channel "mail"/)
    delete process.env.VANTAGE_TEST_HOOK_TOKEN
  })

  it('has no warnings when the variables are set, and leaves process.env as it was', async () => {
    const before = process.env
    process.env.VANTAGE_TEST_SLACK_URL = 'https://hooks.slack.com/services/T/B/x'
    const file = monitorsFile(
      `channels.slack('team', { webhookUrl: process.env.VANTAGE_TEST_SLACK_URL! }),`,
    )
    const imported = await importMonitors(file)
    expect(imported).toMatchObject({ ok: true, warnings: [] })
    expect(process.env).toBe(before)
    delete process.env.VANTAGE_TEST_SLACK_URL
  })
})

describe('channelWarnings', () => {
  it('finds undefined, empty and "undefined" values at any depth, lists included', () => {
    const input = {
      channels: [
        { type: 'console', name: 'console' },
        { type: 'email', name: 'mail', to: [undefined, 'a@example.com'], smtp: { pass: '' } },
        { type: 'webhook', name: 'ops', url: 'https://hooks.example.com/undefined' },
      ],
    }
    expect(channelWarnings(input, [])).toEqual([
      'channel "mail" (email): to[0] is undefined; is an environment variable unset?',
      'channel "mail" (email): smtp.pass is empty; is an environment variable unset?',
      'channel "ops" (webhook): url contains "undefined"; is an environment variable unset?',
    ])
    expect(channelWarnings({ channels: 'nope' }, ['X'])).toEqual([])
  })
})
