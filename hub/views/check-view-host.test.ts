import { afterEach, describe, expect, it } from 'vitest'
import { host } from '../../checks/define.ts'
import type { CheckResult } from '../../checks/result.ts'
import { validateMonitoring } from '../../checks/validate.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { ResultStore } from '../store/result-store.ts'
import type { CheckAlertState } from '../alerts/alert-state.ts'
import { buildCheckView, checkTarget, type CheckViewSources } from './check-view.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const NOW = Date.UTC(2026, 0, 1, 12, 0, 30)

const outcome = validateMonitoring({
  defaults: { regions: ['eu-west'] },
  checks: [
    host.readOnly('app-disks', { on: { labels: { role: 'app' } } }),
    host.disk('db-disk', { on: { probes: ['db-1'] }, path: '/var/lib/postgresql' }),
    host.process('workers', { on: { labels: { role: 'worker' } }, match: 'sidekiq' }),
    host.port('pg', { on: { probes: ['db-1'] }, port: 5432, address: '::1' }),
    host.command('load', {
      on: { labels: { role: 'app' } },
      command: ['/usr/lib/nagios/plugins/check_load', '-p', 's3cret'],
    }),
    host.command('queue', { on: { probes: ['mx-1'] }, shell: 'check_mailq' }),
  ],
})
if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
const checks = outcome.config.checks

describe('checkTarget for host checks', () => {
  it('says what is watched and where, never a plugin’s arguments', () => {
    expect(checks.map(checkTarget)).toEqual([
      'writable mounts on role=app',
      'disk /var/lib/postgresql on probes db-1',
      'processes matching /sidekiq/ on role=worker',
      'port [::1]:5432 on probes db-1',
      'plugin check_load on role=app',
      'shell command on probes mx-1',
    ])
  })
})

describe('buildCheckView for a host check', () => {
  let db: Database
  afterEach(() => db?.close())

  it('shows one series per probe that reported, with its own availability', () => {
    db = openDatabase(':memory:')
    const results = new ResultStore(db)
    // Two app hosts in the same region, one of them read-only for the last 10 minutes.
    const history: CheckResult[] = []
    for (let m = 0; m < 60; m++) {
      const scheduledAt = NOW - HOUR + m * MIN
      for (const probeId of ['app-1', 'app-2']) {
        const failing = probeId === 'app-2' && m >= 50
        history.push(
          makeResult({
            checkId: 'app-disks',
            kind: 'host.readOnly',
            probeId,
            region: 'eu-west',
            scheduledAt,
            status: failing ? 'down' : 'up',
            ...(failing
              ? { error: { code: 'HOST_READ_ONLY', message: '/data is read-only' } }
              : {}),
          }),
        )
      }
    }
    results.insert(history)
    const alert: CheckAlertState = {
      checkId: 'app-disks',
      status: 'down',
      regions: { 'app-1': 'passing', 'app-2': 'failing' },
      failingRegions: ['app-2'],
      since: NOW - 8 * MIN,
      incidentId: 'INC',
    }
    const sources: CheckViewSources = {
      results,
      alertState: () => alert,
      outages: () => [],
    }
    const view = buildCheckView(sources, checks[0]!, NOW)
    expect(view.seriesBy).toBe('probe')
    expect(Object.keys(view.regions)).toEqual(['app-1', 'app-2'])
    expect(view.regions['app-2']).toMatchObject({
      state: 'failing',
      latest: { status: 'down', probeId: 'app-2', error: { code: 'HOST_READ_ONLY' } },
    })
    expect(view.availability['1h'].regions['app-1']).toBe(1)
    expect(view.availability['1h'].regions['app-2']).toBeCloseTo(50 / 60)
    expect(view.state.failingRegions).toEqual(['app-2'])
  })
})
