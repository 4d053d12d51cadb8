/** The topic rules, as a table: what a probe and the hub may publish and subscribe to. */
import { describe, expect, it } from 'vitest'
import { TopicAcl, type Principal } from './topic-acl.ts'

const acl = new TopicAcl('vantage/v1')
const probe: Principal = { kind: 'probe', probeId: 'eu-west-1' }
const hub: Principal = { kind: 'hub' }

describe('TopicAcl', () => {
  it.each([
    ['vantage/v1/probes/eu-west-1/status', true],
    ['vantage/v1/results/0/eu-west-1', true],
    ['vantage/v1/results/12/eu-west-1', true],
    ['vantage/v1/probes/eu-west-2/status', false],
    ['vantage/v1/results/0/eu-west-2', false],
    ['vantage/v1/results/0/eu-west-1/extra', false],
    ['vantage/v1/results//eu-west-1', false],
    ['vantage/v1/config', false],
    ['vantage/v1/hub/status', false],
    ['vantage/v1/probes/eu-west-1/acks', false],
    ['vantage/v1/probes/eu-west-1/commands', false],
    ['vantage/v1/artifacts/eu-west-1', true],
    ['vantage/v1/artifacts/eu-west-2', false],
    ['vantage/v1/artifacts/eu-west-1/extra', false],
    ['vantage/v1/probes/eu-west-1/artifact-acks', false],
    ['other/v1/probes/eu-west-1/status', false],
    ['$SYS/broker/evil', false],
  ])('a probe publishing to %s: %s', (topic, allowed) => {
    expect(acl.mayPublish(probe, topic)).toBe(allowed)
  })

  it.each([
    ['vantage/v1/config', true],
    ['vantage/v1/hub/status', true],
    ['vantage/v1/probes/+/status', true],
    ['vantage/v1/probes/eu-west-1/acks', true],
    ['vantage/v1/probes/eu-west-1/commands', true],
    ['vantage/v1/probes/eu-west-2/commands', false],
    ['vantage/v1/probes/eu-west-2/acks', false],
    ['vantage/v1/probes/eu-west-1/artifact-acks', true],
    ['vantage/v1/probes/eu-west-2/artifact-acks', false],
    ['vantage/v1/artifacts/+', false],
    ['vantage/v1/probes/+/commands', false],
    ['vantage/v1/results/+/+', false],
    ['vantage/v1/#', false],
    ['#', false],
    ['$SYS/#', false],
  ])('a probe subscribing to %s: %s', (filter, allowed) => {
    expect(acl.maySubscribe(probe, filter)).toBe(allowed)
  })

  it('lets the hub do everything except publish to $-topics', () => {
    expect(acl.mayPublish(hub, 'vantage/v1/config')).toBe(true)
    expect(acl.mayPublish(hub, 'vantage/v1/probes/eu-west-1/commands')).toBe(true)
    expect(acl.maySubscribe(hub, 'vantage/v1/results/+/+')).toBe(true)
    expect(acl.mayPublish(hub, '$SYS/x')).toBe(false)
  })

  it('follows the topic prefix', () => {
    const custom = new TopicAcl('acme/mon')
    expect(custom.mayPublish(probe, 'acme/mon/results/0/eu-west-1')).toBe(true)
    expect(custom.mayPublish(probe, 'vantage/v1/results/0/eu-west-1')).toBe(false)
  })
})
