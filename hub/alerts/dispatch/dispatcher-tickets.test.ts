import { describe, expect, it } from 'vitest'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import { dispatcherFixture, monitoringConfig } from './dispatcher.fixture.ts'

const config = monitoringConfig({
  channels: ['team', 'oncall', 'jira'],
  routes: [
    { match: { tags: ['payments'] }, channels: ['oncall'] },
    { match: { tags: ['payments'] }, channels: ['team', 'jira'], tickets: true },
  ],
  checks: [{ id: 'api', tags: ['payments'] }, { id: 'blog' }],
})

function ticket(f: ReturnType<typeof dispatcherFixture>, checkId: string): string {
  const at = f.clock.now()
  const incidentId = f.incidents.open({
    kind: 'anomaly',
    checkId,
    at,
    regions: ['eu', 'us'],
    firstError: null,
  })
  const event: AlertEvent = {
    type: 'anomaly',
    incidentId,
    checkId,
    checkName: checkId,
    at,
    regions: ['eu', 'us'],
    quorum: 2,
    firstError: null,
    summary: 'eu 412 ms, expected 180 ms; us 390 ms, expected 170 ms',
  }
  f.dispatcher.handle(event)
  return incidentId
}

describe('tickets', () => {
  it('go once to the routes marked for tickets, never to the others, and nothing follows', () => {
    const f = dispatcherFixture(config)
    ticket(f, 'api')
    expect(f.drain().map((s) => [s.event.type, s.channels])).toEqual([
      ['anomaly', ['team', 'jira']],
    ])
    f.runFor(2 * 60 * 60_000)
    expect(f.drain()).toEqual([])
  })

  it('go nowhere when no ticket route matches, and say so on the incident', () => {
    const f = dispatcherFixture(config)
    const incidentId = ticket(f, 'blog')
    expect(f.drain()).toEqual([])
    expect(f.incidents.get(incidentId)!.timeline).toContainEqual(
      expect.objectContaining({
        type: 'note',
        detail: { message: expect.stringContaining('tickets: true') },
      }),
    )
  })

  it('wait for nobody: a silence drops them', () => {
    const f = dispatcherFixture(config)
    f.silenced.set('api', 'silenced: known issue')
    const incidentId = ticket(f, 'api')
    expect(f.drain()).toEqual([])
    expect(f.timelineTypes(incidentId)).toContain('suppressed')
  })
})
