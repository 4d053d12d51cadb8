/**
 * The simulator itself, on small sizes: results arrive on schedule, first failures turn
 * into confirm runs, notifications are counted by subject, and every scenario yields
 * its rows. Whether the engine meets the goals is the bench's report, not this test's.
 */
import { describe, expect, it } from 'vitest'
import { allScenarios, measureOutage, REGIONS, type Sizes } from './scenarios.ts'
import { AlertSim, EVERY_MS, SIM_START } from './sim.ts'
import { fullOutage, probeDies } from './worlds.ts'

const MINUTE = 60_000

const SMALL: Sizes = {
  outagePhases: 3,
  noisyRuns: 30,
  noisyChecks: 10,
  toggleMs: 20 * MINUTE,
  toggleSeeds: 1,
  regionLossChecks: 10,
}

function outageSim(confirmations: boolean) {
  return new AlertSim({
    seed: 11,
    regions: REGIONS,
    checks: 1,
    confirmations,
    world: fullOutage(SIM_START + 5 * MINUTE),
  })
}

describe('AlertSim', () => {
  it('delivers one scheduled result per region and minute while all is well, and notifies nothing', () => {
    const sim = outageSim(true)
    try {
      sim.runFor(5 * MINUTE - 1)
      for (const region of REGIONS) expect(sim.network.counts.schedule[region]).toBe(5)
      expect(sim.results.schedule).toMatchObject({ up: 15, down: 0 })
      expect(sim.results.confirm.up + sim.results.confirm.down).toBe(0)
      expect(sim.notifications).toEqual([])
      expect(sim.clock.now()).toBe(SIM_START + 5 * MINUTE - 1)
    } finally {
      sim.close()
    }
  })

  it('turns the first failure of an outage into confirm runs in the other regions and counts the check notification', () => {
    const sim = outageSim(true)
    try {
      sim.runFor(15 * MINUTE)
      const confirmRuns = REGIONS.map((region) => sim.network.counts.confirm[region]!)
      expect(confirmRuns.filter((runs) => runs > 0).length).toBeGreaterThanOrEqual(2)
      expect(sim.results.confirm.down).toBeGreaterThanOrEqual(2)
      const fired = sim.checkNotifications('fired')
      expect(fired).toHaveLength(1)
      expect(fired[0]).toMatchObject({ subject: 'check', checkId: 'check-00' })
      expect(fired[0]!.at).toBeGreaterThan(SIM_START + 5 * MINUTE)
      expect(sim.networkNotifications()).toEqual([])
    } finally {
      sim.close()
    }
  })

  it('sends no confirm commands when confirmations are off', () => {
    const sim = outageSim(false)
    try {
      sim.runFor(15 * MINUTE)
      for (const region of REGIONS) expect(sim.network.counts.confirm[region]).toBe(0)
      expect(sim.checkNotifications('fired')).toHaveLength(1)
    } finally {
      sim.close()
    }
  })

  it('measures the time to notification from the outage start and from the first down result', () => {
    const times = measureOutage(3, { confirmations: true })
    expect(times.toNotification).toHaveLength(3)
    for (const [i, total] of times.toNotification.entries()) {
      expect(total).toBeGreaterThan(0)
      expect(total).toBeLessThan(10 * MINUTE)
      expect(times.fromFirstDown[i]).toBeLessThanOrEqual(total)
    }
  })

  it('counts a dead probe as a probe notification, apart from check notifications', () => {
    const sim = new AlertSim({
      seed: 12,
      regions: REGIONS,
      checks: 2,
      world: probeDies('ap-south', SIM_START + 5 * MINUTE),
    })
    try {
      sim.runFor(5 * MINUTE + 10 * EVERY_MS)
      const probe = sim.networkNotifications('probe')
      expect(probe.map((n) => [n.type, n.checkId])).toEqual([['fired', 'probe:probe-ap-south']])
      expect(sim.network.counts.schedule['ap-south']).toBeLessThanOrEqual(2 * 5)
    } finally {
      sim.close()
    }
  })
})

describe('scenarios', () => {
  it('each scenario yields its rows with a measured figure, and a verdict wherever there is a goal', () => {
    const rows = allScenarios(SMALL)
    expect(rows.map((row) => row.scenario)).toEqual([
      ...Array(4).fill('1 full outage'),
      ...Array(4).fill('2 noisy + cut-off'),
      '3 toggling target',
      ...Array(2).fill('4 region-wide loss'),
      ...Array(2).fill('5 probe dies'),
    ])
    for (const row of rows) {
      expect(row.measured).not.toBe('')
      expect(row.pass === null).toBe(row.goal === '')
    }
  }, 30_000)
})
