import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../lib/clock.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import { openDatabase } from '../store/database.ts'
import { ChatRemediation, CONFIRM_WITHIN_MS } from './chat-remediation.ts'

function setup() {
  const clock = new ManualClock()
  const incidents = new IncidentStore(openDatabase(':memory:'))
  const runs: Record<string, string>[] = []
  const remediation = new ChatRemediation({
    clock,
    incidents,
    commands: () => new Map([['restart', { argv: ['true'], timeoutMs: 1_000, env: {} }]]),
    runCommand: async (_command, env) => {
      runs.push(env)
      return { exitCode: 0, signal: null, output: 'done', timedOut: false, aborted: false }
    },
  })
  return { clock, incidents, remediation, runs }
}

describe('remediation from chat', () => {
  it('is confirmed only by whoever asked, within five minutes, and once', () => {
    const { clock, remediation } = setup()
    const pending = remediation.request('latte', 'restart', 'slack:T1:U1', 'ada (slack)')
    expect(remediation.confirm(pending.code, 'slack:T1:U2')).toMatchObject({
      ok: false,
      reason: 'other-user',
    })
    clock.advance(CONFIRM_WITHIN_MS - 1)
    expect(remediation.confirm(pending.code, 'slack:T1:U1')).toMatchObject({ ok: true })
    expect(remediation.confirm(pending.code, 'slack:T1:U1')).toMatchObject({ reason: 'unknown' })
  })

  it('expires after five minutes', () => {
    const { clock, remediation } = setup()
    const pending = remediation.request('latte', 'restart', 'slack:T1:U1', 'ada (slack)')
    clock.advance(CONFIRM_WITHIN_MS)
    expect(remediation.confirm(pending.code, 'slack:T1:U1')).toMatchObject({
      ok: false,
      reason: 'expired',
    })
  })

  it('puts the request, the run and the confirmation on the open incident', async () => {
    const { clock, incidents, remediation, runs } = setup()
    const incidentId = incidents.open({
      checkId: 'latte',
      at: clock.now(),
      regions: ['eu-west'],
      firstError: null,
    })
    const pending = remediation.request('latte', 'restart', 'slack:T1:U1', 'ada (slack)')
    const run = await remediation.run(pending, 'ada (slack)')
    remediation.confirmed('latte', { regions: ['eu-west: up'] })
    expect(run).toMatchObject({ outcome: 'ok', output: 'done' })
    expect(runs[0]).toMatchObject({ VANTAGE_CHECK_ID: 'latte', VANTAGE_INCIDENT_ID: incidentId })
    const timeline = incidents.get(incidentId)!.timeline
    expect(
      timeline.map((entry) => [entry.type, entry.detail.outcome ?? entry.detail.after]),
    ).toEqual([
      ['remediation', 'requested'],
      ['remediation', 'ok'],
      ['confirmation', 'remediation from chat'],
    ])
  })
})
