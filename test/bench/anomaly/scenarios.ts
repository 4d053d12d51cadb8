/**
 * The bench:anomaly scenarios, each on its own AnomalyHub in virtual time, every check
 * running every 60 s in three regions with latencies from latency-series.ts:
 * - a step of the p50 in every region (+100 %, +30 %): runs until each region shows
 *   degraded and until the ticket;
 * - a week of normal data after a week of history: tickets (false ones) per check;
 * - a step in one region only: that region degraded, no ticket.
 */
import { seededRandom, type Random } from '../alerts/random.ts'
import type { Row } from '../alerts/table.ts'
import { AnomalyHub, benchConfig } from './anomaly-hub.ts'
import { latencyAt, REGIONS } from './latency-series.ts'

const MINUTE = 60_000
const DAY_RUNS = 1440

export interface Sizes {
  /** Checks per scenario, each with its own noise. */
  checks: number
  /** Days of history before a step. */
  historyDays: number
  /** Network jitter, the sigma of a log-normal factor. */
  spread: number
}

export const FULL_SIZES: Sizes = { checks: 20, historyDays: 3, spread: 0.05 }

/** Runs `minutes` rounds: the clock moves a minute, then every check reports in every region. */
function rounds(
  hub: AnomalyHub,
  checks: number,
  minutes: number,
  latency: (check: number, region: string, random: Random) => number,
  randoms: Random[][],
  afterRound?: (round: number) => void,
): void {
  for (let round = 0; round < minutes; round++) {
    hub.clock.advance(MINUTE)
    for (let check = 0; check < checks; check++) {
      REGIONS.forEach((region, r) => {
        hub.observe(`check-${check}`, region, latency(check, region, randoms[check]![r]!))
      })
    }
    afterRound?.(round)
  }
}

function randomsFor(checks: number, seed: number): Random[][] {
  return Array.from({ length: checks }, (_, c) =>
    REGIONS.map((_, r) => seededRandom(seed + 1000 * c + r)),
  )
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

/**
 * A step of `factor` in `changed` regions after the history: runs (60 s intervals)
 * until each changed region shows degraded and until the check's ticket.
 */
export function stepScenario(
  name: string,
  factor: number,
  changed: string[],
  jitter: readonly number[],
  sizes: Sizes,
  goalRuns: number | null,
): Row[] {
  const hub = new AnomalyHub(benchConfig(sizes.checks, REGIONS))
  const randoms = randomsFor(sizes.checks, 17 + Math.round(factor * 100) + changed.length)
  const normal = (check: number, region: string, random: Random) =>
    latencyAt(random, jitter, region, hub.clock.now(), 1, sizes.spread)
  rounds(hub, sizes.checks, sizes.historyDays * DAY_RUNS, normal, randoms)
  const ticketsBefore = hub.tickets.length
  const stepAt = hub.clock.now()
  const degradedAfter = new Map<string, number>()
  const unchangedDegraded = new Set<string>()
  const window = 60
  rounds(
    hub,
    sizes.checks,
    window,
    (check, region, random) =>
      latencyAt(
        random,
        jitter,
        region,
        hub.clock.now(),
        changed.includes(region) ? factor : 1,
        sizes.spread,
      ),
    randoms,
    (round) => {
      for (let check = 0; check < sizes.checks; check++) {
        const states = hub.regionStates(`check-${check}`)
        for (const region of REGIONS) {
          const key = `check-${check}/${region}`
          if (states[region] !== 'degraded') continue
          if (!changed.includes(region)) unchangedDegraded.add(key)
          else if (!degradedAfter.has(key)) degradedAfter.set(key, round + 1)
        }
      }
    },
  )
  const tickets = hub.tickets.slice(ticketsBefore)
  hub.close()
  const expected = sizes.checks * changed.length
  const runs = [...degradedAfter.values()]
  const rows: Row[] = [
    {
      scenario: name,
      what: `runs to region degraded (p50 / max of ${expected})`,
      measured:
        runs.length === expected
          ? `${quantile(runs, 0.5)} / ${Math.max(...runs)}`
          : `${runs.length} of ${expected} within ${window}`,
      goal: goalRuns === null || changed.length > 1 ? '' : `≤ ${goalRuns}`,
      pass:
        goalRuns === null || changed.length > 1
          ? null
          : runs.length === expected && Math.max(...runs) <= goalRuns,
    },
  ]
  if (changed.length > 1) {
    const firstTicket = new Map<string, number>()
    for (const ticket of tickets) {
      if (!firstTicket.has(ticket.checkId)) {
        firstTicket.set(ticket.checkId, Math.round((ticket.at - stepAt) / MINUTE))
      }
    }
    const ticketRuns = [...firstTicket.values()]
    rows.push({
      scenario: name,
      what: `runs to ticket (p50 / max of ${sizes.checks} checks)`,
      measured:
        ticketRuns.length === sizes.checks
          ? `${quantile(ticketRuns, 0.5)} / ${Math.max(...ticketRuns)}`
          : `${ticketRuns.length} of ${sizes.checks} within ${window}`,
      goal: goalRuns === null ? '' : `≤ ${goalRuns}`,
      pass:
        goalRuns === null
          ? null
          : ticketRuns.length === sizes.checks && Math.max(...ticketRuns) <= goalRuns,
    })
  } else {
    rows.push({
      scenario: name,
      what: 'tickets',
      measured: String(tickets.length),
      goal: '0',
      pass: tickets.length === 0,
    })
  }
  rows.push({
    scenario: name,
    what: 'unchanged regions shown degraded',
    measured: String(unchangedDegraded.size),
    goal: '',
    pass: null,
  })
  return rows
}

/** A week of normal data after a week of history: false tickets and region episodes. */
export function quietScenario(jitter: readonly number[], sizes: Sizes): Row[] {
  const { checks } = sizes
  const hub = new AnomalyHub(benchConfig(checks, REGIONS))
  const randoms = randomsFor(checks, 4242)
  const normal = (_check: number, region: string, random: Random) =>
    latencyAt(random, jitter, region, hub.clock.now(), 1, sizes.spread)
  rounds(hub, checks, 7 * DAY_RUNS, normal, randoms)
  const ticketsBefore = hub.tickets.length
  const degraded = new Map<string, boolean>()
  let episodes = 0
  rounds(hub, checks, 7 * DAY_RUNS, normal, randoms, () => {
    for (let check = 0; check < checks; check++) {
      const states = hub.regionStates(`check-${check}`)
      for (const region of REGIONS) {
        const key = `${check}/${region}`
        const now = states[region] === 'degraded'
        if (now && !degraded.get(key)) episodes += 1
        degraded.set(key, now)
      }
    }
  })
  const falseTickets = hub.tickets.length - ticketsBefore
  const perCheck = falseTickets / checks
  hub.close()
  const scenario = `normal week, ${Math.round(sizes.spread * 100)} % network jitter`
  return [
    {
      scenario,
      what: `false tickets per check per 7 days (${checks} checks)`,
      measured: perCheck.toFixed(2),
      goal: '≤ 1',
      pass: perCheck <= 1,
    },
    {
      scenario,
      what: 'a region shown degraded, per region per 7 days',
      measured: (episodes / (checks * REGIONS.length)).toFixed(2),
      goal: '',
      pass: null,
    },
  ]
}
