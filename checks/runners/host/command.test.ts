import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../../../test/e2e/processes.ts'
import { runContext } from '../../../test/fixtures/run-context.ts'
import { useTempDir } from '../../../test/fixtures/temp-dir.ts'
import { runCheck } from '../../run-check.ts'
import { hostCommandSpecSchema } from '../../specs/host-command.ts'
import { run } from './command.ts'

const PLUGINS = fileURLToPath(new URL('../../../test/fixtures/plugins/', import.meta.url))
const plugin = (name: string): string => join(PLUGINS, name)

const spec = (extra: Record<string, unknown>) =>
  hostCommandSpecSchema.parse({
    kind: 'host.command',
    id: 'plugin',
    on: { probes: ['p'] },
    ...extra,
  })

describe('host.command with fixture plugins', () => {
  const dir = useTempDir('vantage-plugin-')

  it('maps exit 0 to up, with the first line as the assertion and perfdata as metrics', async () => {
    const outcome = await run(spec({ command: [plugin('check_ok.sh')] }), runContext())
    expect(outcome).toEqual({
      status: 'up',
      assertions: [
        {
          name: 'plugin',
          ok: true,
          expected: 'OK (exit 0)',
          actual: 'OK (exit 0): DISK OK - free space: / 3326 MB (56%)',
        },
      ],
      metrics: { '/': 2643 * 1024 * 1024, exitCode: 0 },
    })
  })

  it.each([
    [
      'check_warning.sh',
      'degraded',
      'HOST_COMMAND_WARNING',
      'LOAD WARNING - load average: 5.21, 4.10, 3.02',
    ],
    [
      'check_critical.sh',
      'down',
      'HOST_COMMAND_CRITICAL',
      "PROCS CRITICAL: 0 processes with command name 'worker'",
    ],
    [
      'check_unknown.sh',
      'inconclusive',
      'HOST_COMMAND_UNKNOWN',
      'UNKNOWN - cannot read /var/run/app.pid',
    ],
  ])(
    'maps %s to %s with %s and the first line as the message',
    async (name, status, code, line) => {
      const outcome = await run(spec({ command: [plugin(name)] }), runContext())
      expect(outcome.status).toBe(status)
      expect(outcome.error).toEqual({ code, message: line })
      expect(outcome.assertions[0]!.actual).toMatch(new RegExp(`^[A-Z]+ \\(exit [123]\\): `))
      expect(outcome.assertions[0]!.actual).toContain(line)
    },
  )

  it('takes the message from standard error when standard output is empty', async () => {
    const outcome = await run(spec({ command: [plugin('check_stderr.sh')] }), runContext())
    expect(outcome.error).toEqual({
      code: 'HOST_COMMAND_CRITICAL',
      message: 'connection refused by 127.0.0.1:5432',
    })
  })

  it('is inconclusive with HOST_COMMAND_FAILED for an exit code outside 0-3', async () => {
    const outcome = await run(spec({ command: [plugin('check_bad_exit.sh')] }), runContext())
    expect(outcome.status).toBe('inconclusive')
    expect(outcome.error?.code).toBe('HOST_COMMAND_FAILED')
    expect(outcome.error?.message).toBe(
      `${plugin('check_bad_exit.sh')} exited 7, which is not a plugin status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN): segfault-ish`,
    )
  })

  it('turns every kind of performance data into metrics, normalised', async () => {
    const outcome = await run(spec({ command: [plugin('check_perfdata.sh')] }), runContext())
    expect(outcome.status).toBe('up')
    expect(outcome.metrics).toEqual({
      time: 250,
      size: 1234,
      'free space': 1.5 * 1024 ** 3,
      "it's": 3,
      'load %': 42.5,
      rtt: 12,
      slow: 1.5,
      comma: 0.5,
      unit: 7,
      exitCode: 0,
    })
  })

  it('passes arguments as they are, without a shell', async () => {
    const outcome = await run(
      spec({ command: ['/bin/echo', 'OK $HOME; `id` | a=1'] }),
      runContext(),
    )
    expect(outcome.assertions[0]!.actual).toBe('OK (exit 0): OK $HOME; `id`')
    expect(outcome.metrics).toEqual({ a: 1, exitCode: 0 })
  })

  it('runs a shell command only when asked, and reports a missing one as a capability', async () => {
    const shell = await run(spec({ shell: 'echo "OK - $((1 + 1)) | two=2"; exit 0' }), runContext())
    expect(shell.assertions[0]!.actual).toBe('OK (exit 0): OK - 2')
    const missing = await run(spec({ shell: 'vantage-no-such-plugin -w 1' }), runContext())
    expect(missing.status).toBe('inconclusive')
    expect(missing.error?.code).toBe('CAPABILITY_MISSING')
    expect(missing.error?.message).toMatch(/exit 127.*not found/)
  })

  it('is inconclusive with CAPABILITY_MISSING for a missing or non-executable program', async () => {
    const missing = await run(spec({ command: [join(dir.path, 'check_nothing')] }), runContext())
    expect(missing.status).toBe('inconclusive')
    expect(missing.error?.code).toBe('CAPABILITY_MISSING')
    expect(missing.error?.message).toMatch(/check_nothing is not an executable file on this probe/)

    writeFileSync(join(dir.path, 'check_noexec'), '#!/bin/sh\nexit 0\n', { mode: 0o644 })
    const noexec = await run(spec({ command: [join(dir.path, 'check_noexec')] }), runContext())
    expect(noexec.error?.code).toBe('CAPABILITY_MISSING')

    const onPath = await run(spec({ command: ['vantage-no-such-plugin'] }), runContext())
    expect(onPath.error?.code).toBe('CAPABILITY_MISSING')
  })

  it('kills a plugin that outlives the run and reports TIMEOUT', async () => {
    const pidFile = join(dir.path, 'slow.pid')
    const controller = new AbortController()
    const pending = run(
      spec({ command: [plugin('check_slow.sh'), pidFile] }),
      runContext({ signal: controller.signal }),
    )
    const pid = await waitFor('the plugin to start', () =>
      existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined,
    )
    controller.abort()
    const outcome = await pending
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('TIMEOUT')
    // The runner returns after the kill was reaped: the process is gone.
    expect(existsSync(`/proc/${pid}`)).toBe(false)
  })

  it('is down with TIMEOUT through runCheck, and the plugin dies', async () => {
    const pidFile = join(dir.path, 'slow-2.pid')
    const check = spec({ command: [plugin('check_slow.sh'), pidFile], timeout: '1s' })
    const result = await runCheck(check, {
      probeId: 'p',
      region: 'local',
      configVersion: '1-test',
      scheduledAt: Date.now(),
      trigger: 'manual',
    })
    expect(result.status).toBe('down')
    expect(result.error?.code).toBe('TIMEOUT')
    const pid = Number(readFileSync(pidFile, 'utf8'))
    await waitFor('the plugin to be killed', () => !existsSync(`/proc/${pid}`))
  })
})
