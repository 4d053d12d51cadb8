import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runContext } from '../../../test/fixtures/run-context.ts'
import { hostProcessSpecSchema } from '../../specs/host-process.ts'
import { run } from './process.ts'

const spec = (extra: Record<string, unknown>) =>
  hostProcessSpecSchema.parse({
    kind: 'host.process',
    id: 'workers',
    on: { probes: ['p'] },
    ...extra,
  })

describe('host.process with real processes', () => {
  // A marker no other process on the machine carries, in real children's command lines.
  const marker = `vantage-worker-${randomBytes(6).toString('hex')}`
  const children: ChildProcess[] = []

  beforeAll(async () => {
    for (let i = 0; i < 2; i += 1) {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)', marker], {
        stdio: 'ignore',
      })
      await new Promise((resolve) => child.once('spawn', resolve))
      children.push(child)
    }
  })
  afterAll(async () => {
    await Promise.all(
      children.map((child) => {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGKILL')
        return exited
      }),
    )
  })

  it("finds the test's own process by its name", async () => {
    const comm = readFileSync('/proc/self/comm', 'utf8').trim()
    const outcome = await run(spec({ name: comm }), runContext())
    expect(outcome.status).toBe('up')
    expect(outcome.metrics?.count).toBeGreaterThanOrEqual(1)
  })

  it('counts processes whose command line matches, with min and max', async () => {
    const ok = await run(spec({ match: marker, min: 2, max: 2 }), runContext())
    expect(ok.status).toBe('up')
    expect(ok.metrics).toEqual({ count: 2 })
    const pids = children.map((child) => child.pid).sort((a, b) => a! - b!)
    expect(ok.assertions[0]).toEqual({
      name: `processes matching /${marker}/`,
      ok: true,
      expected: '2..2',
      actual: `2 (pid ${pids.join(', ')})`,
    })

    const tooMany = await run(spec({ match: marker, max: 1 }), runContext())
    expect(tooMany.status).toBe('down')
    expect(tooMany.error).toEqual({
      code: 'HOST_PROCESS_COUNT',
      message: `2 process(es) matching /${marker}/, expected 1..1`,
    })
  })

  it('requires name and match both when both are given', async () => {
    const outcome = await run(spec({ name: 'no-such-proc', match: marker }), runContext())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.message).toBe(
      `0 process(es) named no-such-proc and matching /${marker}/, expected >= 1`,
    )
  })
})
