import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../../../test/e2e/processes.ts'
import {
  loadRemediationCommands,
  MAX_COMMAND_OUTPUT_BYTES,
  parseRemediationCommands,
  RemediationConfigError,
  runRemediationCommand,
  type RemediationCommand,
} from './remediation-commands.ts'
import { useTempDir } from '../../../test/fixtures/temp-dir.ts'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/remediation/', import.meta.url))
const script = (name: string): string => join(FIXTURES, name)

const dir = useTempDir('vantage-remediation-').path

function writeFile(name: string, content: string): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

function errorsOf(load: () => unknown): string[] {
  try {
    load()
  } catch (error) {
    expect(error).toBeInstanceOf(RemediationConfigError)
    return (error as RemediationConfigError).errors
  }
  throw new Error('expected the file to be refused')
}

describe('loadRemediationCommands', () => {
  it('reads the allow-list with defaults and durations in ms', () => {
    const path = writeFile(
      'good.json',
      JSON.stringify({
        commands: {
          'restart-api': { argv: ['systemctl', 'restart', 'api'], timeout: '45s', env: { K: 'V' } },
          'flush.cache': { argv: ['/usr/local/bin/flush'] },
        },
      }),
    )
    expect(loadRemediationCommands(path)).toEqual(
      new Map<string, RemediationCommand>([
        [
          'restart-api',
          { argv: ['systemctl', 'restart', 'api'], timeoutMs: 45_000, env: { K: 'V' } },
        ],
        ['flush.cache', { argv: ['/usr/local/bin/flush'], timeoutMs: 30_000, env: {} }],
      ]),
    )
  })

  it('lists every problem with its path', () => {
    const path = writeFile(
      'bad.json',
      JSON.stringify({
        commands: {
          'Restart API': { argv: ['x'] },
          empty: { argv: [] },
          blank: { argv: ['systemctl', ''], timeout: 'soon' },
          extra: { argv: ['x'], shell: 'rm -rf /' },
          env: { argv: ['x'], env: { 'NOT A NAME': 'v', OK: 1 } },
        },
        version: 2,
      }),
    )
    const errors = errorsOf(() => loadRemediationCommands(path))
    expect(errors).toEqual([
      'commands.Restart API: must be a command name like "restart-api"',
      'commands.empty.argv: must name the program to run, e.g. ["systemctl", "restart", "api"]',
      'commands.blank.argv[1]: must not be empty',
      'commands.blank.timeout: "soon" is not a duration (use e.g. 30s, 5m, 1h)',
      'commands.extra: unknown option "shell"',
      'commands.env.env.NOT A NAME: must be a variable name like API_URL',
      'commands.env.env.OK: expected a text, got 1',
      '(root): unknown option "version"',
    ])
    expect(() => loadRemediationCommands(path)).toThrow(`${path} has 8 error(s):`)
  })

  it('refuses a missing file, a file that is not JSON, and a file without commands', () => {
    expect(errorsOf(() => loadRemediationCommands(join(dir, 'missing.json')))).toEqual([
      expect.stringMatching(/^cannot be read: ENOENT/),
    ])
    const notJson = writeFile('not.json', '{ commands: ')
    expect(errorsOf(() => loadRemediationCommands(notJson))).toEqual([
      expect.stringMatching(/^is not valid JSON: /),
    ])
    expect(errorsOf(() => parseRemediationCommands({}))).toEqual([
      'commands: expected an object, got nothing',
    ])
  })
})

describe('runRemediationCommand', () => {
  const command = (
    argv: string[],
    extra: Partial<RemediationCommand> = {},
  ): RemediationCommand => ({
    argv,
    timeoutMs: 10_000,
    env: {},
    ...extra,
  })

  it('runs argv without a shell, with its env and the given one but not the hub’s own', async () => {
    const previous = process.env.VANTAGE_API_TOKEN
    process.env.VANTAGE_API_TOKEN = 'hub-secret'
    try {
      const run = await runRemediationCommand(
        command([script('restart-ok.sh'), '$(touch pwned)', '*'], { env: { SERVICE: 'api' } }),
        { VANTAGE_CHECK_ID: 'api', VANTAGE_INCIDENT_ID: 'I1', VANTAGE_ATTEMPT: '2' },
        new AbortController().signal,
      )
      expect(run).toEqual({
        exitCode: 0,
        signal: null,
        output:
          'restarted for api incident I1 attempt 2\n' +
          'SERVICE=api API_TOKEN=unset args=$(touch pwned) *\n',
        timedOut: false,
        aborted: false,
      })
      expect(existsSync('pwned')).toBe(false)
    } finally {
      if (previous === undefined) delete process.env.VANTAGE_API_TOKEN
      else process.env.VANTAGE_API_TOKEN = previous
    }
  })

  it('reports a failing exit with its stderr', async () => {
    const run = await runRemediationCommand(
      command([script('restart-fails.sh')]),
      {},
      new AbortController().signal,
    )
    expect(run).toMatchObject({ exitCode: 1, timedOut: false, aborted: false })
    expect(run.output).toContain('Job for api.service failed')
  })

  it('kills the command at its timeout, keeping what it printed', async () => {
    const pidFile = join(dir, 'timeout.pid')
    const run = await runRemediationCommand(
      command([script('restart-hangs.sh'), pidFile], { timeoutMs: 300 }),
      {},
      new AbortController().signal,
    )
    expect(run).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: true, aborted: false })
    expect(run.output).toBe('waiting for api to stop\n')
    const pid = Number(readFileSync(pidFile, 'utf8'))
    await waitFor('the command to be killed', () => !existsSync(`/proc/${pid}`), 5_000)
  })

  it('kills the command when the hub stops', async () => {
    const pidFile = join(dir, 'abort.pid')
    const shutdown = new AbortController()
    const running = runRemediationCommand(
      command([script('restart-hangs.sh'), pidFile]),
      {},
      shutdown.signal,
    )
    await waitFor('the command to start', () => existsSync(pidFile), 5_000, 20)
    shutdown.abort()
    expect(await running).toMatchObject({ exitCode: null, timedOut: false, aborted: true })
    const pid = Number(readFileSync(pidFile, 'utf8'))
    await waitFor('the command to be killed', () => !existsSync(`/proc/${pid}`), 5_000)
  })

  it('caps the output', async () => {
    const run = await runRemediationCommand(
      command([script('restart-noisy.sh')]),
      {},
      new AbortController().signal,
    )
    expect(run.exitCode).toBe(0)
    expect(Buffer.byteLength(run.output)).toBe(MAX_COMMAND_OUTPUT_BYTES)
    expect(run.output).toMatch(/^progress line 0 /)
  })

  it('rejects when the program does not exist', async () => {
    await expect(
      runRemediationCommand(
        command([join(dir, 'no-such-program')]),
        {},
        new AbortController().signal,
      ),
    ).rejects.toThrow(/ENOENT/)
  })
})
