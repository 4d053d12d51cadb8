import { describe, expect, it } from 'vitest'
import { checkSpecSchema, type CheckSpec } from '../checks/spec.ts'
import { selectChecks } from './test-selection.ts'

function http(id: string, extra: Record<string, unknown> = {}): CheckSpec {
  return checkSpecSchema.parse({
    kind: 'http',
    id,
    url: 'http://127.0.0.1:9/',
    regions: ['eu-west'],
    ...extra,
  })
}

/** A kind this build may not know yet, as another engineer's spec would produce it. */
function other(kind: string, id: string, extra: Record<string, unknown> = {}): CheckSpec {
  return { id, kind, enabled: true, ...extra } as unknown as CheckSpec
}

const ids = (checks: readonly { id: string }[]) => checks.map((check) => check.id)

describe('selectChecks', () => {
  const checks = [
    http('api-health', { name: 'API health' }),
    http('shop', { name: 'Shop front', regions: ['us-east'] }),
    http('both', { regions: ['eu-west', 'us-east'] }),
  ]

  it('keeps every check, in file order, without filters', () => {
    const selection = selectChecks(checks, {})
    expect(ids(selection.run)).toEqual(['api-health', 'shop', 'both'])
    expect(selection.skipped).toEqual([])
    expect(selection.filteredOut).toBe(0)
  })

  it('matches --grep against the id and the name, ignoring case', () => {
    expect(ids(selectChecks(checks, { grep: /^api/i }).run)).toEqual(['api-health'])
    expect(ids(selectChecks(checks, { grep: /front/i }).run)).toEqual(['shop'])
    expect(selectChecks(checks, { grep: /nothing/i }).filteredOut).toBe(3)
  })

  it('keeps only the checks that run in the --region', () => {
    expect(ids(selectChecks(checks, { region: 'us-east' }).run)).toEqual(['shop', 'both'])
    expect(ids(selectChecks(checks, { region: 'eu-west', grep: /o/ }).run)).toEqual(['both'])
  })

  it('leaves checks without regions (host checks) out of a --region run', () => {
    const host = other('host-disk', 'disk', { probes: { labels: { role: 'db' } } })
    const selection = selectChecks([host], { region: 'eu-west' }, { 'host-disk': () => {} })
    expect(selection.run).toEqual([])
    expect(selection.filteredOut).toBe(1)
  })

  it('skips heartbeats, kinds without a local runner and disabled checks, with the reason', () => {
    const selection = selectChecks(
      [
        other('heartbeat', 'nightly-backup', { regions: ['eu-west'] }),
        other('host-disk', 'disk'),
        http('off', { enabled: false }),
        http('on'),
      ],
      {},
      { http: () => {}, heartbeat: () => {} },
    )
    expect(ids(selection.run)).toEqual(['on'])
    expect(selection.skipped.map(({ check, reason }) => [check.id, reason])).toEqual([
      ['nightly-backup', expect.stringContaining('pushed to the hub')],
      ['disk', expect.stringContaining('no local runner for "host-disk" checks')],
      ['off', 'disabled (enabled: false)'],
    ])
  })

  it('runs a kind as soon as the registry has a runner for it', () => {
    const tcp = other('tcp', 'db-port', { regions: ['eu-west'] })
    expect(selectChecks([tcp], {}, {}).skipped).toHaveLength(1)
    expect(ids(selectChecks([tcp], {}, { tcp: () => {} }).run)).toEqual(['db-port'])
  })

  it('skips host checks unless --host asks to run them on this machine', () => {
    const disk = other('host.disk', 'root-disk', { on: { labels: { role: 'app' } } })
    const registry = { 'host.disk': () => {} }
    const skipped = selectChecks([disk], {}, registry).skipped
    expect(skipped.map(({ reason }) => reason)).toEqual([expect.stringContaining('add --host')])
    expect(ids(selectChecks([disk], { includeHost: true }, registry).run)).toEqual(['root-disk'])
  })
})
