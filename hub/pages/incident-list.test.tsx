/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { describe, expect, it } from 'vitest'
import type { Incident } from '../incidents/incident-store.ts'
import { IncidentList, MAX_PAGE_INCIDENTS, pageIncidents } from './incident-list.tsx'

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0)
const MIN = 60_000

function incident(id: string, extra: Partial<Incident> = {}): Incident {
  return {
    incidentId: id,
    checkId: 'api',
    kind: 'down',
    startedAt: NOW - 30 * MIN,
    endedAt: null,
    regions: ['eu-west', 'us-east'],
    firstError: { code: 'HTTP_STATUS', message: 'status 503' },
    ackedAt: null,
    ackedBy: null,
    ...extra,
  }
}

const names = (checkId: string) => (checkId === 'api' ? 'Public API' : checkId)

describe('pageIncidents', () => {
  it('lists open incidents first, once each, and leaves out monitoring-network kinds', () => {
    const open = incident('open-1')
    const resolved = incident('old-1', { endedAt: NOW - 10 * MIN })
    const probe = incident('probe-1', { kind: 'probe', checkId: 'probe:eu-west-1' })
    const items = pageIncidents([open, probe], [resolved, open], names)

    expect(items.map((i) => i.incidentId)).toEqual(['open-1', 'old-1'])
    expect(items[0]).toMatchObject({ checkName: 'Public API', errorCode: 'HTTP_STATUS' })
  })

  it('keeps at most MAX_PAGE_INCIDENTS', () => {
    const many = Array.from({ length: 25 }, (_, i) => incident(`i-${i}`))
    expect(pageIncidents(many, [], names)).toHaveLength(MAX_PAGE_INCIDENTS)
  })
})

describe('IncidentList', () => {
  it('shows state, check, error, start and duration, and says so when there were none', async () => {
    const items = pageIncidents(
      [incident('a', { ackedAt: NOW - 5 * MIN, ackedBy: 'alice' })],
      [incident('b', { endedAt: NOW - 20 * MIN, startedAt: NOW - 26 * MIN })],
      names,
    )
    const html = (await (<IncidentList incidents={items} now={NOW} />).toString()) as string

    expect(html).toContain('<span class="pill down">Investigating</span>')
    expect(html).toContain('<span class="pill up">Resolved</span>')
    expect(html).toContain('Public API')
    expect(html).toContain('HTTP_STATUS')
    expect(html).toContain('for 30m')
    expect(html).toContain('lasted 6m')
    const empty = (await (<IncidentList incidents={[]} now={NOW} />).toString()) as string
    expect(empty).toContain('No incidents in the last 7 days.')
  })
})
