import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { validateMonitoring } from '../../checks/validate.ts'
import { planDeploy } from '../config/deploy-plan.ts'
import type { DeployEvent } from '../config/live-config.ts'
import {
  deploysBefore,
  recordDeployOnIncidents,
  recordRecentDeploys,
  RECENT_DEPLOY_WINDOW_MS,
} from './deploy-timeline.ts'
import { IncidentStore } from './incident-store.ts'

function config(checks: unknown[]) {
  const outcome = validateMonitoring({ defaults: { regions: ['eu-west'] }, checks })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config
}

describe('recordDeployOnIncidents', () => {
  it('notes the deploy on every open incident, and whether it touched that check', () => {
    const incidents = new IncidentStore(new Database(':memory:'))
    const open = (checkId: string) =>
      incidents.open({ checkId, at: 1_000, regions: ['eu-west'], firstError: null })
    const api = open('api')
    const shop = open('shop')
    const closed = open('old')
    incidents.resolve(closed, 2_000)

    const before = config([
      { kind: 'http', id: 'api', url: 'https://api.example.com/' },
      { kind: 'http', id: 'shop', url: 'https://shop.example.com/' },
    ])
    const after = config([
      { kind: 'http', id: 'api', url: 'https://api.example.com/', every: '30s' },
      { kind: 'http', id: 'shop', url: 'https://shop.example.com/' },
    ])
    const event = {
      config: after,
      deployed: { bundle: { version: '2-abcd1234' } },
      plan: planDeploy(before, after),
      source: 'ci',
      at: 5_000,
    } as DeployEvent
    recordDeployOnIncidents(incidents, event)

    const deploys = (id: string) =>
      incidents.get(id)!.timeline.filter((entry) => entry.type === 'deploy')
    expect(deploys(api)).toEqual([
      {
        at: 5_000,
        type: 'deploy',
        detail: { version: '2-abcd1234', source: 'ci', checkChanged: true },
      },
    ])
    expect(deploys(shop)[0]!.detail.checkChanged).toBe(false)
    expect(deploys(closed)).toEqual([])
  })
})

describe('recordRecentDeploys', () => {
  it('puts only the deploys made since the failure began on the timeline, at their own times', () => {
    const incidents = new IncidentStore(new Database(':memory:'))
    const openedAt = 10 * RECENT_DEPLOY_WINDOW_MS
    const failingSince = openedAt - 60_000
    const id = incidents.open({ checkId: 'api', at: openedAt, regions: ['eu'], firstError: null })
    recordRecentDeploys(incidents, id, openedAt, failingSince, [
      { version: '1-before', source: 'ci', createdAt: failingSince - 1 },
      { version: '2-during', source: 'ci', createdAt: openedAt - 30_000 },
      { version: '3-later', source: 'ci', createdAt: openedAt + 1 },
    ])
    expect(incidents.get(id)!.timeline).toEqual([
      {
        at: openedAt - 30_000,
        type: 'deploy',
        detail: { version: '2-during', source: 'ci', beforeIncidentMs: 30_000 },
      },
    ])
  })
})

describe('deploysBefore', () => {
  it('lists the deploys of the half hour before the failure began, newest first', () => {
    const began = 10 * RECENT_DEPLOY_WINDOW_MS
    const deploys = [
      { version: '1-old', source: 'ci', createdAt: began - RECENT_DEPLOY_WINDOW_MS - 1 },
      { version: '2-bad', source: 'ci', createdAt: began - 120_000 },
      { version: '3-worse', source: 'ci', createdAt: began - 60_000 },
      { version: '4-during', source: 'ci', createdAt: began + 1 },
    ]
    expect(
      deploysBefore({ startedAt: began + 5_000, failingSince: began }, deploys).map(
        (d) => d.version,
      ),
    ).toEqual(['3-worse', '2-bad'])
  })
})
