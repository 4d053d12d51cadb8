/** The hub's /readyz verdict: every missing part named, and 503 as soon as it stops. */
import { describe, expect, it } from 'vitest'
import { hubReadiness } from './readiness.ts'

describe('hub readiness', () => {
  it('is ready with the store open, the broker connected and a config loaded', () => {
    const parts = { storeOpen: true, brokerConnected: true, configVersion: '1-ab', stopping: false }
    expect(hubReadiness(parts)).toEqual({ ready: true, reasons: [], configVersion: '1-ab' })
    expect(hubReadiness({ ...parts, stopping: true }).reasons).toEqual(['the hub is stopping'])
    expect(
      hubReadiness({
        storeOpen: false,
        brokerConnected: false,
        configVersion: undefined,
        stopping: false,
      }).reasons,
    ).toEqual([
      'the results database is not open',
      'the hub is not connected to its MQTT broker',
      'no config is loaded',
    ])
  })
})
