import { describe, expect, it } from 'vitest'
import type { CheckStatus } from '../../../checks/result.ts'
import {
  advanceSeries,
  isConclusive,
  newSeries,
  seriesState,
  statusOf,
  tally,
  type SeriesTrack,
} from './series-track.ts'

const policy = { failAfter: 2, recoverAfter: 2 }
const error = { code: 'TIMEOUT', message: 'no response within 10s' }

/** The verdict after each result of `statuses`, from a new series. */
function verdicts(statuses: Exclude<CheckStatus, 'inconclusive'>[], series = newSeries()) {
  return statuses.map((status, i) => {
    advanceSeries(series, status, status === 'down' ? error : undefined, i, policy)
    return series.verdict
  })
}

describe('advanceSeries', () => {
  it('fails after failAfter downs and passes after recoverAfter ups', () => {
    expect(verdicts(['up', 'down', 'down', 'up', 'up'])).toEqual([
      'passing',
      'passing',
      'failing',
      'failing',
      'passing',
    ])
  })

  it('stays unknown on a single down, which is not a verdict yet', () => {
    expect(verdicts(['down', 'up'])).toEqual(['unknown', 'passing'])
  })

  it('is degraded after failAfter non-up results that do not reach failing', () => {
    expect(verdicts(['up', 'degraded', 'down', 'up', 'up'])).toEqual([
      'passing',
      'passing',
      'degraded',
      'degraded',
      'passing',
    ])
  })

  it('counts degraded results as served when recovering from failing', () => {
    expect(verdicts(['down', 'down', 'degraded', 'degraded', 'up', 'up'])).toEqual([
      'unknown',
      'failing',
      'failing',
      'degraded',
      'degraded',
      'passing',
    ])
  })

  it('keeps the first error of a failure streak until the series passes', () => {
    const series = newSeries()
    verdicts(['down', 'down', 'up'], series)
    expect(series.firstError).toEqual({ error, scheduledAt: 0 })
    verdicts(['up'], series)
    expect(series.firstError).toBeNull()
  })
})

describe('seriesState and tally', () => {
  function series(verdict: SeriesTrack['verdict'], extra: Partial<SeriesTrack> = {}) {
    return Object.assign(newSeries(), { verdict, ...extra })
  }

  it('shows offline and interim states over the verdict, which then does not count', () => {
    const offline = series('failing', { offline: true })
    const inconclusive = series('passing', { interim: 'inconclusive' })
    expect([seriesState(offline), seriesState(inconclusive)]).toEqual(['offline', 'inconclusive'])
    expect([isConclusive(offline), isConclusive(inconclusive)]).toEqual([false, false])
  })

  it('counts failing series that went quiet apart, and leaves inhibited series out', () => {
    const t = tally(
      new Map([
        ['a', series('failing')],
        ['b', series('failing', { offline: true })],
        ['c', series('degraded')],
        ['d', series('failing')],
      ]),
      (name) => name === 'd',
      21,
    )
    expect(t).toMatchObject({
      conclusive: 2,
      failing: ['a'],
      degraded: ['c'],
      quietFailing: 1,
      known: 3,
    })
  })

  it('derives the status in order: down, unknown, insufficient, degraded, partial, up', () => {
    const base = tally(new Map(), () => false, 21)
    const of = (extra: Partial<typeof base>, down = false) =>
      statusOf({ ...base, ...extra }, 2, down)
    expect(of({}, true)).toBe('down')
    expect(of({})).toBe('unknown')
    expect(of({ known: 3, conclusive: 1, passing: 1 })).toBe('insufficient')
    expect(of({ known: 3, conclusive: 3, failing: ['a'], degraded: ['b'] })).toBe('degraded')
    expect(of({ known: 3, conclusive: 3, failing: ['a'], passing: 2 })).toBe('partial')
    expect(of({ known: 3, conclusive: 3, passing: 3 })).toBe('up')
  })
})
