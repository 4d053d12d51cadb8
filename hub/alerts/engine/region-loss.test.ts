import { describe, expect, it } from 'vitest'
import { CONFIRM_DOWNS, RegionLoss, type RegionCheck } from './region-loss.ts'

const thresholds = { share: 0.5, minChecks: 3 }
const timeout = { code: 'TIMEOUT', message: 'no response within 10s' }
const refused = { code: 'CONNECT_REFUSED', message: 'connect ECONNREFUSED' }

function checks(n: number, regions = ['a', 'b', 'c']): RegionCheck[] {
  return Array.from({ length: n }, (_, i) => ({ id: `check-${i}`, regions }))
}

/** Every check reports up in every region. */
function allUp(loss: RegionLoss, list: RegionCheck[]) {
  for (const check of list) {
    for (const region of check.regions) loss.record(check.id, region, 'up', null, thresholds)
  }
}

/** One round in which `list` fails in `region` (the first 5 time out, the rest are refused). */
function failIn(loss: RegionLoss, list: RegionCheck[], region: string) {
  return list.map((check, i) =>
    loss.record(check.id, region, 'down', i < 5 ? timeout : refused, thresholds),
  )
}

describe('RegionLoss', () => {
  it('suspects a region on the first round where half its checks fail there and pass elsewhere', () => {
    const loss = new RegionLoss()
    const list = checks(10)
    loss.setChecks(list, thresholds)
    allUp(loss, list)
    const changes = failIn(loss, list.slice(0, 8), 'c')
    // The 5th failing check reaches 5 of 10: set aside, but nobody is told yet.
    expect(changes.map((c) => c.length)).toEqual([0, 0, 0, 0, 1, 0, 0, 0])
    expect(changes[4]).toEqual([
      {
        region: 'c',
        lost: true,
        alerted: false,
        inhibitionChanged: true,
        alert: null,
        failing: 5,
        checks: 10,
        firstError: null,
      },
    ])
    expect(loss.isLost('c')).toBe(true)
    expect(loss.isLost('a')).toBe(false)
    expect(loss.regions()).toEqual([
      { region: 'a', lost: false, alerted: false, failing: 0, checks: 10 },
      { region: 'b', lost: false, alerted: false, failing: 0, checks: 10 },
      { region: 'c', lost: true, alerted: false, failing: 8, checks: 10 },
    ])
  })

  it('raises the alert once the same share failed CONFIRM_DOWNS times in a row', () => {
    expect(CONFIRM_DOWNS).toBe(2)
    const loss = new RegionLoss()
    const list = checks(10)
    loss.setChecks(list, thresholds)
    allUp(loss, list)
    failIn(loss, list.slice(0, 8), 'c')
    const changes = failIn(loss, list.slice(0, 8), 'c')
    // The 5th check failing a second time confirms 5 of 10; the alert names the most
    // common error among the 8 failing checks (5 time out, 3 are refused).
    expect(changes.map((c) => c.length)).toEqual([0, 0, 0, 0, 1, 0, 0, 0])
    expect(changes[4]).toEqual([
      {
        region: 'c',
        lost: true,
        alerted: true,
        inhibitionChanged: false,
        alert: 'fired',
        failing: 8,
        checks: 10,
        firstError: timeout,
      },
    ])
    expect(loss.regions().find((r) => r.region === 'c')).toEqual({
      region: 'c',
      lost: true,
      alerted: true,
      failing: 8,
      checks: 10,
    })
    // Further failing rounds change nothing: one alert per loss.
    expect(failIn(loss, list.slice(0, 8), 'c').flat()).toEqual([])
  })

  it('does not alert when the failures that line up are not the same checks twice', () => {
    const loss = new RegionLoss()
    const list = checks(10)
    loss.setChecks(list, thresholds)
    allUp(loss, list)
    // Round 1: checks 0-4 fail in c (suspected). Round 2: 0-4 pass, 5-9 fail once each.
    failIn(loss, list.slice(0, 5), 'c')
    const changes = list.flatMap((check, i) =>
      loss.record(check.id, 'c', i < 5 ? 'up' : 'down', i < 5 ? null : timeout, thresholds),
    )
    expect(changes.filter((c) => c.alert !== null)).toEqual([])
    expect(loss.regions().find((r) => r.region === 'c')).toMatchObject({
      lost: true,
      alerted: false,
    })
  })

  it('clears a suspected region without an alert once the share drops below half', () => {
    const loss = new RegionLoss()
    const list = checks(10)
    loss.setChecks(list, thresholds)
    allUp(loss, list)
    failIn(loss, list.slice(0, 6), 'c')
    const changes = list
      .slice(0, 6)
      .map((check) => loss.record(check.id, 'c', 'up', null, thresholds))
    // 6 → 2 failing of 10 is the first share below 0.25.
    expect(changes.map((c) => c.length)).toEqual([0, 0, 0, 1, 0, 0])
    expect(changes[3]).toEqual([
      {
        region: 'c',
        lost: false,
        alerted: false,
        inhibitionChanged: true,
        alert: null,
        failing: 2,
        checks: 10,
        firstError: null,
      },
    ])
    expect(loss.isLost('c')).toBe(false)
  })

  it('does not count a check that fails everywhere: that is the target, not the region', () => {
    const loss = new RegionLoss()
    const list = checks(4)
    loss.setChecks(list, thresholds)
    for (const check of list) {
      for (const region of check.regions) loss.record(check.id, region, 'down', timeout, thresholds)
    }
    expect(loss.regions().every((r) => r.failing === 0 && !r.lost)).toBe(true)
  })

  it('counts a check again when another region passes it later', () => {
    const loss = new RegionLoss()
    loss.setChecks(checks(1), thresholds)
    loss.record('check-0', 'c', 'down', timeout, thresholds)
    expect(loss.regions().find((r) => r.region === 'c')!.failing).toBe(0)
    loss.record('check-0', 'a', 'degraded', null, thresholds)
    expect(loss.regions().find((r) => r.region === 'c')!.failing).toBe(1)
    loss.record('check-0', 'a', 'down', timeout, thresholds)
    expect(loss.regions().find((r) => r.region === 'c')!.failing).toBe(0)
  })

  it('needs minChecks failing, however large the share', () => {
    const loss = new RegionLoss()
    const list = checks(2)
    loss.setChecks(list, thresholds)
    allUp(loss, list)
    const changes = list.flatMap((check) => loss.record(check.id, 'c', 'down', timeout, thresholds))
    expect(changes).toEqual([])
    expect(loss.isLost('c')).toBe(false)
  })

  it('resolves an alerted region once, when the share drops below half the threshold', () => {
    const loss = new RegionLoss()
    const list = checks(10)
    loss.setChecks(list, thresholds)
    allUp(loss, list)
    failIn(loss, list.slice(0, 8), 'c')
    failIn(loss, list.slice(0, 8), 'c')
    const changes = list
      .slice(0, 8)
      .map((check) => loss.record(check.id, 'c', 'up', null, thresholds))
    // 8 → 2 failing of 10 is the first share below 0.25.
    expect(changes.map((c) => c.length)).toEqual([0, 0, 0, 0, 0, 1, 0, 0])
    expect(changes[5]).toEqual([
      {
        region: 'c',
        lost: false,
        alerted: false,
        inhibitionChanged: true,
        alert: 'resolved',
        failing: 2,
        checks: 10,
        firstError: null,
      },
    ])
  })

  it('keeps a restored region lost until as many checks were judged as losing it took', () => {
    const loss = new RegionLoss()
    loss.restoreLost('c')
    const list = checks(10)
    expect(loss.setChecks(list, thresholds)).toEqual([])
    expect(loss.regions().find((r) => r.region === 'c')).toMatchObject({
      lost: true,
      alerted: true,
    })
    // Results come in one by one after a restart: none of them alone proves recovery.
    const changes = list
      .slice(0, 4)
      .flatMap((check) => [
        ...loss.record(check.id, 'a', 'up', null, thresholds),
        ...loss.record(check.id, 'c', 'up', null, thresholds),
      ])
    expect(changes).toEqual([])
    expect(loss.isLost('c')).toBe(true)
    loss.record('check-4', 'a', 'up', null, thresholds)
    expect(loss.record('check-4', 'c', 'up', null, thresholds)).toMatchObject([
      { region: 'c', lost: false, inhibitionChanged: true, alert: 'resolved' },
    ])
  })

  it('leaves single-region checks out and keeps results across a redeploy', () => {
    const loss = new RegionLoss()
    const list = checks(4)
    loss.setChecks([...list, { id: 'solo', regions: ['c'] }], thresholds)
    allUp(loss, list)
    loss.record('solo', 'c', 'down', timeout, thresholds)
    for (const check of list.slice(0, 2)) loss.record(check.id, 'c', 'down', timeout, thresholds)
    // Half the region's checks, but fewer than minChecks (3).
    expect(loss.isLost('c')).toBe(false)
    expect(loss.regions().find((r) => r.region === 'c')).toMatchObject({ failing: 2, checks: 4 })

    // A deploy that lowers minChecks judges the results already seen.
    expect(loss.setChecks(list, { share: 0.5, minChecks: 2 })).toMatchObject([
      { region: 'c', lost: true, alerted: false, alert: null, failing: 2, checks: 4 },
    ])
  })

  it('recovers a lost region whose checks were all removed', () => {
    const loss = new RegionLoss()
    loss.restoreLost('gone')
    expect(loss.setChecks(checks(3), thresholds)).toEqual([
      {
        region: 'gone',
        lost: false,
        alerted: false,
        inhibitionChanged: true,
        alert: 'resolved',
        failing: 0,
        checks: 0,
        firstError: null,
      },
    ])
    expect(loss.regions().map((r) => r.region)).toEqual(['a', 'b', 'c'])
  })

  it('ignores checks and regions it was not given', () => {
    const loss = new RegionLoss()
    loss.setChecks(checks(3), thresholds)
    expect(loss.record('other', 'c', 'down', timeout, thresholds)).toEqual([])
    expect(loss.record('check-0', 'z', 'down', timeout, thresholds)).toEqual([])
    expect(loss.regions().map((r) => r.region)).toEqual(['a', 'b', 'c'])
  })
})
