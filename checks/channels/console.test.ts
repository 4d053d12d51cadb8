import { describe, expect, it } from 'vitest'
import type { AlertEvent } from '../alert-event.ts'
import { acknowledged, degraded, group, probeOffline, reminder } from './alert-events.fixture.ts'
import { headline } from './alert-text.ts'
import { buildPayload, send } from './console.ts'

const at = Date.UTC(2026, 0, 1, 0, 2)
const fired: AlertEvent = {
  type: 'fired',
  incidentId: '01KDX2Q4Q8M0N6V8S9T1A2B3C4',
  checkId: 'api-health',
  checkName: 'api-health',
  at,
  regions: ['eu-west', 'us-east', 'ap-south'],
  quorum: 2,
  firstError: { code: 'CONNECT_REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8081' },
}

describe('console channel', () => {
  it('describes a fired alert in one line', () => {
    expect(buildPayload(fired)).toBe(
      '2026-01-01T00:02:00.000Z ALERT  api-health is DOWN in 3 regions (eu-west, us-east, ap-south), quorum 2: CONNECT_REFUSED connect ECONNREFUSED 127.0.0.1:8081 [incident 01KDX2Q4Q8M0N6V8S9T1A2B3C4]',
    )
  })

  it('leaves out the error when there is none and names the check by name and id', () => {
    const event = { ...fired, checkName: 'API health', regions: ['eu-west'], quorum: 1 }
    expect(buildPayload({ ...event, firstError: null })).toBe(
      '2026-01-01T00:02:00.000Z ALERT  API health (api-health) is DOWN in 1 region (eu-west), quorum 1 [incident 01KDX2Q4Q8M0N6V8S9T1A2B3C4]',
    )
  })

  it.each([
    [150_000, '2m30s'],
    [7_200_000, '2h'],
    [3_725_000, '1h2m'],
    [93_600_000, '1d2h'],
    [45_400, '45s'],
    [300, '0s'],
  ])('says how long a resolved outage lasted (%i ms -> %s)', (durationMs, text) => {
    const resolved: AlertEvent = { ...fired, type: 'resolved', at: at + durationMs, durationMs }
    expect(buildPayload(resolved)).toBe(
      `${new Date(at + durationMs).toISOString()} RESOLVED api-health is back up after ${text}`,
    )
  })

  it.each([reminder, acknowledged, degraded, probeOffline, group])(
    'gives every other event its time and headline (%#)',
    (event) => {
      expect(buildPayload(event)).toBe(`${new Date(event.at).toISOString()} ${headline(event)}`)
    },
  )

  it('writes the line with a newline', () => {
    const written: string[] = []
    send('hello', (text) => written.push(text))
    expect(written).toEqual(['hello\n'])
  })
})
