/**
 * The five alerting scenarios of the benchmark. Each builds fresh simulations, runs them
 * through virtual time and returns its rows for the table. Sizes are parameters so the
 * test runs every scenario small and the bench runs them at the size.
 */
import { AlertSim, EVERY_MS, SIM_START } from './sim.ts'
import { seededRandom } from './random.ts'
import { breakdown, countWithBreakdown, percentile, seconds } from './stats.ts'
import type { Row } from './table.ts'
import { fullOutage, noisyAndCutOff, probeDies, regionLoss, toggling } from './worlds.ts'

export const REGIONS = ['eu-west', 'us-east', 'ap-south']
const [NOISY, CUT_OFF] = ['eu-west', 'ap-south'] as const
const MINUTE = 60_000
/** Long enough for every region to have passed at least twice before the trouble starts. */
const WARM_UP_MS = 5 * MINUTE

export interface Sizes {
  /** Scenario 1: random phases (one simulation each). */
  outagePhases: number
  /** Scenario 2: runs per check and region. */
  noisyRuns: number
  /** Scenario 2: checks, so that the cut-off region counts as a region-wide problem. */
  noisyChecks: number
  /** Scenario 3: how long the target toggles, and over how many seeds. */
  toggleMs: number
  toggleSeeds: number
  /** Scenario 4: checks the lost region cannot reach. */
  regionLossChecks: number
}

export const FULL_SIZES: Sizes = {
  outagePhases: 200,
  noisyRuns: 10_000,
  noisyChecks: 10,
  toggleMs: 120 * MINUTE,
  toggleSeeds: 5,
  regionLossChecks: 50,
}

/** Time to the first notification of a full outage, over many random phases. */
export interface OutageTimes {
  /** Outage start → first check notification, per phase; Infinity when none came. */
  toNotification: number[]
  /** First down result at the hub → first check notification, per phase. */
  fromFirstDown: number[]
}

/**
 * Scenario 1 for one setting: per phase, a new simulation whose outage starts at a
 * random moment within the minute after warm-up; it stops at the first check
 * notification, or 10 minutes in.
 */
export function measureOutage(
  phases: number,
  options: { confirmations: boolean; phases?: 'per-region' | 'shared' },
): OutageTimes {
  const times: OutageTimes = { toNotification: [], fromFirstDown: [] }
  for (let i = 0; i < phases; i++) {
    const outageAt = SIM_START + WARM_UP_MS + Math.round(seededRandom(9_000 + i)() * MINUTE)
    const sim = new AlertSim({
      seed: 1 + i,
      regions: REGIONS,
      checks: 1,
      confirmations: options.confirmations,
      phases: options.phases ?? 'per-region',
      world: fullOutage(outageAt),
    })
    try {
      sim.runFor(outageAt - SIM_START + 10 * MINUTE, () => sim.checkNotifications().length > 0)
      const first = sim.checkNotifications()[0]
      const firstDown = sim.downArrivals[0]
      times.toNotification.push(first ? first.at - outageAt : Infinity)
      times.fromFirstDown.push(first && firstDown !== undefined ? first.at - firstDown : Infinity)
    } finally {
      sim.close()
    }
  }
  return times
}

function p50p95(values: number[]): string {
  const missed = values.filter((v) => !Number.isFinite(v)).length
  const finite = values.filter(Number.isFinite)
  if (finite.length === 0) return `no notification in ${values.length} runs`
  const figures = `p50 ${seconds(percentile(finite, 50))}, p95 ${seconds(percentile(finite, 95))}`
  return missed ? `${figures}; ${missed} of ${values.length} never notified` : figures
}

const allNotified = (values: number[]) => values.every(Number.isFinite)

export function fullOutageScenario(sizes: Sizes): Row[] {
  const withConfirm = measureOutage(sizes.outagePhases, { confirmations: true })
  const without = measureOutage(sizes.outagePhases, { confirmations: false })
  const shared = measureOutage(sizes.outagePhases, { confirmations: true, phases: 'shared' })
  const scenario = '1 full outage'
  const n = sizes.outagePhases
  return [
    {
      scenario,
      what: `outage start → first notification (${n} phases)`,
      measured: p50p95(withConfirm.toNotification),
      goal: 'p95 ≤ 60 s (one interval)',
      pass:
        allNotified(withConfirm.toNotification) &&
        percentile(withConfirm.toNotification, 95) <= MINUTE,
    },
    {
      scenario,
      what: 'first down result → notification (confirmation)',
      measured: p50p95(withConfirm.fromFirstDown),
      goal: 'p95 ≤ 3 s (about one run)',
      pass:
        allNotified(withConfirm.fromFirstDown) &&
        percentile(withConfirm.fromFirstDown, 95) <= 3_000,
    },
    {
      scenario,
      what: 'outage start → notification, no confirmation runs',
      measured: p50p95(without.toNotification),
      goal: '',
      pass: null,
    },
    {
      scenario,
      what: 'outage start → notification, same phase in all regions',
      measured: p50p95(shared.toNotification),
      goal: '',
      pass: null,
    },
  ]
}

function countNoisy(sizes: Sizes, cutOffProbeDies: boolean) {
  const sim = new AlertSim({
    seed: 2,
    regions: REGIONS,
    checks: sizes.noisyChecks,
    world: noisyAndCutOff({
      from: SIM_START + WARM_UP_MS,
      noisy: NOISY,
      failureRate: 0.05,
      cutOff: CUT_OFF,
      cutOffProbeDies,
    }),
  })
  try {
    sim.runFor(WARM_UP_MS + sizes.noisyRuns * EVERY_MS)
    return {
      checks: sim.checkNotifications().length,
      checkDetail: countWithBreakdown(sim.checkNotifications()),
      region: sim.networkNotifications('region').length,
      probe: sim.networkNotifications('probe').length,
      detail: breakdown(sim.notifications),
    }
  } finally {
    sim.close()
  }
}

export function noisyScenario(sizes: Sizes): Row[] {
  const scenario = '2 noisy + cut-off'
  const size = `${sizes.noisyChecks} checks × ${sizes.noisyRuns.toLocaleString('en-US')} runs in each region`
  const online = countNoisy(sizes, false)
  const offline = countNoisy(sizes, true)
  return [
    {
      scenario,
      what: `check notifications, ${CUT_OFF} cut off (${size})`,
      measured: online.checkDetail,
      goal: '0',
      pass: online.checks === 0,
    },
    {
      scenario,
      what: `region + probe notifications, ${CUT_OFF} cut off`,
      measured: `${online.region} region, ${online.probe} probe: ${online.detail}`,
      goal: '1 region',
      pass: online.region === 1 && online.probe === 0,
    },
    {
      scenario,
      what: `check notifications, ${CUT_OFF} probe offline`,
      measured: offline.checkDetail,
      goal: '0',
      pass: offline.checks === 0,
    },
    {
      scenario,
      what: `region + probe notifications, ${CUT_OFF} probe offline`,
      measured: `${offline.region} region, ${offline.probe} probe: ${offline.detail}`,
      goal: '1 probe',
      pass: offline.region === 0 && offline.probe === 1,
    },
  ]
}

export function togglingScenario(sizes: Sizes): Row[] {
  const counts: number[] = []
  let firstSeed = ''
  const from = SIM_START + WARM_UP_MS
  for (let seed = 1; seed <= sizes.toggleSeeds; seed++) {
    const sim = new AlertSim({
      seed: 300 + seed,
      regions: REGIONS,
      checks: 1,
      world: toggling(from, from + sizes.toggleMs, MINUTE),
    })
    try {
      // Then 30 minutes up, so that leaving the flapping state is counted too.
      sim.runFor(WARM_UP_MS + sizes.toggleMs + 30 * MINUTE)
      counts.push(sim.checkNotifications().length)
      if (seed === 1) firstSeed = breakdown(sim.checkNotifications())
    } finally {
      sim.close()
    }
  }
  const worst = Math.max(...counts)
  return [
    {
      scenario: '3 toggling target',
      what: `notifications, toggling 60 s for ${sizes.toggleMs / MINUTE} min (+30 min up), worst of ${counts.length} seeds`,
      measured: `${worst} (each seed: ${counts.join(', ')}; seed 1: ${firstSeed || 'none'})`,
      goal: '≤ 4',
      pass: worst <= 4,
    },
  ]
}

export function regionLossScenario(sizes: Sizes): Row[] {
  const rows: Row[] = []
  for (const quorum of [undefined, 1] as const) {
    const sim = new AlertSim({
      seed: 4,
      regions: REGIONS,
      checks: sizes.regionLossChecks,
      ...(quorum === undefined ? {} : { quorum }),
      world: regionLoss(CUT_OFF, SIM_START + WARM_UP_MS),
    })
    try {
      sim.runFor(WARM_UP_MS + 30 * MINUTE)
      const checks = sim.checkNotifications().length
      const regions = sim.networkNotifications('region').length
      rows.push({
        scenario: '4 region-wide loss',
        what: `${sizes.regionLossChecks} checks lost in ${CUT_OFF} for 30 min, quorum ${quorum ?? 'default (2 of 3)'}`,
        measured: `${checks} check + ${regions} region = ${checks + regions}: ${breakdown(sim.notifications) || 'none'}`,
        goal: '1',
        pass: checks + regions === 1,
      })
    } finally {
      sim.close()
    }
  }
  return rows
}

export function probeDiesScenario(): Row[] {
  const sim = new AlertSim({
    seed: 5,
    regions: REGIONS,
    checks: 10,
    world: probeDies(CUT_OFF, SIM_START + WARM_UP_MS),
  })
  try {
    sim.runFor(WARM_UP_MS + 30 * MINUTE)
    const checks = sim.checkNotifications().length
    const probes = sim.networkNotifications('probe').length
    const probeDetail = breakdown(sim.networkNotifications())
    return [
      {
        scenario: '5 probe dies',
        what: `check notifications, the ${CUT_OFF} probe dead for 30 min (10 checks)`,
        measured: countWithBreakdown(sim.checkNotifications()),
        goal: '0',
        pass: checks === 0,
      },
      {
        scenario: '5 probe dies',
        what: 'probe notifications',
        measured: probeDetail ? `${probes}: ${probeDetail}` : '0',
        goal: '1',
        pass: probes === 1,
      },
    ]
  } finally {
    sim.close()
  }
}

/** Every scenario's rows, in the order. */
export function allScenarios(sizes: Sizes): Row[] {
  return [
    ...fullOutageScenario(sizes),
    ...noisyScenario(sizes),
    ...togglingScenario(sizes),
    ...regionLossScenario(sizes),
    ...probeDiesScenario(),
  ]
}
