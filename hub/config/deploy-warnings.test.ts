import { describe, expect, it } from 'vitest'
import { validateMonitoring, type MonitoringConfig } from '../../checks/validate.ts'
import { deployWarnings, type KnownProbe } from './deploy-warnings.ts'

function config(input: Record<string, unknown>): MonitoringConfig {
  const outcome = validateMonitoring({ defaults: { regions: ['eu-west'] }, ...input })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config
}

const probe = (probeId: string, region: string, state: KnownProbe['state'] = 'online') => ({
  probeId,
  region,
  state,
  labels: { role: region === 'eu-west' ? 'app' : 'edge' },
})

const http = (id: string, extra: Record<string, unknown> = {}) => ({
  kind: 'http',
  id,
  url: `https://${id}.example.com/`,
  ...extra,
})

describe('deployWarnings', () => {
  it('names each region that no live probe serves, with its checks and why', () => {
    const warnings = deployWarnings(
      config({
        defaults: { regions: ['eu-west', 'us-east', 'ap-south'] },
        checks: [http('api'), http('shop'), http('eu-only', { regions: ['eu-west'] })],
      }),
      {
        probes: [probe('eu-1', 'eu-west'), probe('us-1', 'us-east', 'offline')],
        remediationCommands: [],
      },
    )
    expect(warnings).toEqual([
      'region "us-east" has no live probe (its probe us-1 is offline): api, shop will not run there until one connects',
      'region "ap-south" has no live probe (no probe of it has connected to this hub): api, shop will not run there until one connects',
    ])
  })

  it('warns about host checks that select no live probe, and leaves heartbeats and disabled checks out', () => {
    const warnings = deployWarnings(
      config({
        checks: [
          { kind: 'host.disk', id: 'app-disk', on: { labels: { role: 'app' } } },
          { kind: 'host.disk', id: 'db-disk', on: { labels: { role: 'db' } } },
          { kind: 'heartbeat', id: 'backup', every: '1d' },
          http('old', { regions: ['mars'], enabled: false }),
        ],
      }),
      { probes: [probe('eu-1', 'eu-west')], remediationCommands: [] },
    )
    expect(warnings).toEqual([
      'check "db-disk" (host.disk) selects no live probe (role=db): it runs nowhere until one matches',
    ])
  })

  it('names remediation commands the hub would skip, saying whether it has an allow-list at all', () => {
    const remediate = [
      { command: 'restart-api' },
      { command: 'flush-cache' },
      { webhook: 'https://hooks.example.com/fix' },
    ]
    const next = config({ checks: [http('api', { remediate })] })
    const probes = [probe('eu-1', 'eu-west')]
    expect(deployWarnings(next, { probes, remediationCommands: ['restart-api'] })).toEqual([
      `check "api": remediate[1].command "flush-cache" will be skipped: the hub's --remediation file does not list it`,
    ])
    expect(deployWarnings(next, { probes, remediationCommands: [] })).toEqual([
      'check "api": remediate[0].command "restart-api" will be skipped: the hub has no allow-list (start it with --remediation FILE)',
      'check "api": remediate[1].command "flush-cache" will be skipped: the hub has no allow-list (start it with --remediation FILE)',
    ])
  })

  it("names browser checks' secrets the hub's environment does not set", () => {
    const config = validateMonitoring({
      defaults: { regions: [] },
      checks: [
        {
          kind: 'browser',
          id: 'login',
          regions: ['eu-west'],
          script: { file: 'login.ts', code: 'x', sha256: 'a'.repeat(64) },
          secrets: ['SHOP_USER', 'SHOP_PASSWORD'],
        },
      ],
    })
    if (!config.ok) throw new Error(config.errors.join('; '))
    const probes: KnownProbe[] = [
      { probeId: 'eu-1', region: 'eu-west', state: 'online', labels: {} },
    ]
    expect(
      deployWarnings(config.config, {
        probes,
        remediationCommands: [],
        secret: (name) => (name === 'SHOP_USER' ? 'demo' : undefined),
      }),
    ).toEqual([
      `check "login": secret SHOP_PASSWORD not set in the hub's environment: its script fails when it reads it`,
    ])
  })

  it('names SLOs that page on fewer than three bad minutes', () => {
    const next = config({
      checks: [http('api', { slo: 99.9 }), http('shop', { slo: 99 })],
    })
    const context = { probes: [probe('eu-1', 'eu-west')], remediationCommands: [] }
    expect(deployWarnings(next, context)).toEqual([
      expect.stringMatching(
        /^slo "api" \(99.9 % over 30d\) pages on 2 bad minutes \(pair 1h\/5m\)/,
      ),
    ])
  })

  it('has nothing to say about a config the hub can run', () => {
    const next = config({ checks: [http('api', { remediate: [{ command: 'restart-api' }] })] })
    const context = { probes: [probe('eu-1', 'eu-west')], remediationCommands: ['restart-api'] }
    expect(deployWarnings(next, context)).toEqual([])
  })
})
