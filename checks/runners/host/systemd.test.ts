import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runContext } from '../../../test/fixtures/run-context.ts'
import { tempDir } from '../../../test/fixtures/temp-dir.ts'
import { hostSystemdSpecSchema } from '../../specs/host-systemd.ts'
import { findOnPath } from '../find-on-path.ts'
import { run } from './systemd.ts'

const FIXTURE_BIN = fileURLToPath(new URL('../../../test/fixtures/systemctl/', import.meta.url))
/** sd_booted(3): systemd is PID 1 exactly when this directory exists. */
const SYSTEMD_BOOTED = existsSync('/run/systemd/system')
const SYSTEMCTL_INSTALLED = ['/usr/bin/systemctl', '/bin/systemctl'].some((path) =>
  existsSync(path),
)

const spec = (unit: string) =>
  hostSystemdSpecSchema.parse({ kind: 'host.systemd', id: 'unit', on: { probes: ['p'] }, unit })

describe('host.systemd where systemd is absent', () => {
  let savedPath: string | undefined
  beforeEach(() => {
    savedPath = process.env.PATH
  })
  afterEach(() => {
    process.env.PATH = savedPath
  })

  // Needs systemctl installed on a machine not booted with systemd (a VM or container whose
  // PID 1 is something else, as here). On a systemd host the real systemctl answers, the
  // case the fixture tests below cover; without systemctl the next test covers it.
  it.runIf(!SYSTEMD_BOOTED && SYSTEMCTL_INSTALLED)(
    'is inconclusive with CAPABILITY_MISSING when systemctl says systemd is not running',
    async () => {
      expect(await findOnPath('systemctl')).toBeDefined()
      const outcome = await run(spec('nginx'), runContext())
      expect(outcome.status).toBe('inconclusive')
      expect(outcome.error?.code).toBe('CAPABILITY_MISSING')
      expect(outcome.error?.message).toMatch(
        /^systemd is not running on this probe, so unit nginx cannot be checked \(systemctl: System has not been booted with systemd/,
      )
    },
  )

  it('is inconclusive with CAPABILITY_MISSING when there is no systemctl at all', async () => {
    process.env.PATH = tempDir('vantage-nobin-')
    const outcome = await run(spec('nginx'), runContext())
    expect(outcome).toEqual({
      status: 'inconclusive',
      error: {
        code: 'CAPABILITY_MISSING',
        message: 'systemd is not available on this probe: no systemctl on PATH',
      },
      assertions: [],
    })
  })
})

// The thing under test is our handling of systemctl's answers, so a fixture systemctl
// first on PATH stands in for systemd here.
describe('host.systemd with a fixture systemctl', () => {
  let savedPath: string | undefined
  beforeEach(() => {
    savedPath = process.env.PATH
    process.env.PATH = `${FIXTURE_BIN}:${savedPath}`
  })
  afterEach(() => {
    process.env.PATH = savedPath
  })

  it('is up when the unit is active', async () => {
    const outcome = await run(spec('nginx'), runContext())
    expect(outcome).toEqual({
      status: 'up',
      assertions: [{ name: 'unit nginx', ok: true, expected: 'active', actual: 'active' }],
    })
  })

  it.each([
    ['worker', 'failed'],
    ['gone', 'inactive'],
    ['backup.timer', 'activating'],
  ])('is down with HOST_UNIT_INACTIVE when %s is %s', async (unit, state) => {
    const outcome = await run(spec(unit), runContext())
    expect(outcome.status).toBe('down')
    expect(outcome.error).toEqual({
      code: 'HOST_UNIT_INACTIVE',
      message: `unit ${unit} is ${state}`,
    })
    expect(outcome.assertions[0]).toMatchObject({ ok: false, expected: 'active', actual: state })
  })

  it('is inconclusive when systemctl fails for another reason', async () => {
    const outcome = await run(spec('broken'), runContext())
    expect(outcome.status).toBe('inconclusive')
    expect(outcome.error).toEqual({
      code: 'HOST_COMMAND_FAILED',
      message: 'systemctl is-active broken exited 1: Failed to get properties: Access denied',
    })
  })
})
