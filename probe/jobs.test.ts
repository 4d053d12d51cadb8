import { describe, expect, it } from 'vitest'
import type { ProbeCheck } from '../checks/bundle.ts'
import { silentLogger } from '../lib/logger.ts'
import { Jobs, type Trigger } from './jobs.ts'

const http = { id: 'api', kind: 'http' } as ProbeCheck
const disk = { id: 'disk', kind: 'host.disk' } as ProbeCheck

/** A registry that owns what it is told to, and records what it was asked. */
function fakeOwnership(owned: Set<string>) {
  const asked: Array<[string, string | undefined]> = []
  return {
    asked,
    owns(checkId: string, capability?: string) {
      asked.push([checkId, capability])
      return owned.has(checkId)
    },
  }
}

/** Runs that wait for `release()`, so a test decides when a run ends. */
function heldRuns() {
  const runs: Array<{ checkId: string; trigger: Trigger; release: () => void }> = []
  let started: (() => void) | undefined
  return {
    runs,
    run: (check: ProbeCheck, _at: number, trigger: Trigger) =>
      new Promise<void>((resolve) => {
        runs.push({ checkId: check.id, trigger, release: resolve })
        started?.()
      }),
    nextStart: () => new Promise<void>((resolve) => (started = resolve)),
  }
}

function jobsWith(owned: string[], run = heldRuns()) {
  const ownership = fakeOwnership(new Set(owned))
  const jobs = new Jobs({ ownership, run: run.run, now: () => 1_000, logger: silentLogger() })
  return { jobs, ownership, run }
}

describe('Jobs', () => {
  it('runs a region check only where the registry says this probe owns it', async () => {
    const { jobs, run } = jobsWith([])
    await jobs.run(http, 0, 'schedule')
    expect(run.runs).toEqual([])
  })

  it('asks the registry with the capability the kind needs', () => {
    const { jobs, ownership } = jobsWith(['api'])
    jobs.ownsCheck({ id: 'pinger', kind: 'ping' })
    jobs.ownsCheck(http)
    expect(ownership.asked).toEqual([
      ['pinger', 'ping'],
      ['api', undefined],
    ])
  })

  it('runs a host check on every probe it reached, without asking the registry', async () => {
    const { jobs, ownership, run } = jobsWith([])
    const done = jobs.run(disk, 0, 'schedule')
    run.runs[0]!.release()
    await done
    expect(run.runs.map((r) => r.checkId)).toEqual(['disk'])
    expect(ownership.asked).toEqual([])
  })

  it('never overlaps a check with itself: a second scheduled run is dropped', async () => {
    const { jobs, run } = jobsWith(['api'])
    const first = jobs.run(http, 0, 'schedule')
    await jobs.run(http, 1, 'schedule')
    expect(run.runs).toHaveLength(1)
    run.runs[0]!.release()
    await first
    expect(run.runs).toHaveLength(1)
  })

  it('keeps a confirmation that lands mid-run and runs it right after', async () => {
    const { jobs, run } = jobsWith(['api'])
    const first = jobs.run(http, 0, 'schedule')
    await jobs.run(http, 1, 'confirm')
    const second = run.nextStart()
    run.runs[0]!.release()
    await second
    expect(run.runs.map((r) => r.trigger)).toEqual(['schedule', 'confirm'])
    run.runs[1]!.release()
    await first
    expect(jobs.running()).toBe(0)
  })

  it('starts no kept request after stop()', async () => {
    const { jobs, run } = jobsWith(['api'])
    const first = jobs.run(http, 0, 'schedule')
    await jobs.run(http, 1, 'manual')
    jobs.stop()
    run.runs[0]!.release()
    await first
    expect(run.runs).toHaveLength(1)
  })
})
