/** Alert events of every type and subject, as the channel payload tests share them. */
import type { AlertEvent } from '../alert-event.ts'

export const fired: AlertEvent = {
  type: 'fired',
  incidentId: '01KDX2Q4Q8M0N6V8S9T1A2B3C4',
  checkId: 'api-health',
  checkName: 'API health',
  at: Date.UTC(2026, 0, 1, 0, 2),
  regions: ['eu-west', 'us-east'],
  quorum: 2,
  firstError: { code: 'CONNECT_REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8081' },
}

export const resolved: AlertEvent = {
  ...fired,
  type: 'resolved',
  at: Date.UTC(2026, 0, 1, 0, 4, 30),
  durationMs: 150_000,
}

export const reminder: AlertEvent = { ...fired, type: 'reminder', at: Date.UTC(2026, 0, 1, 0, 32) }

export const escalated: AlertEvent = {
  ...fired,
  type: 'escalated',
  level: 2,
  at: Date.UTC(2026, 0, 1, 0, 12),
}

export const acknowledged: AlertEvent = {
  ...fired,
  type: 'acknowledged',
  ackedBy: 'alice',
  comment: 'looking',
  at: Date.UTC(2026, 0, 1, 0, 3),
}

export const flappingStarted: AlertEvent = {
  ...fired,
  type: 'flapping-started',
  incidentId: '01KDX2Q4Q8M0N6V8S9T1FLAP00',
  firstError: null,
}

export const anomaly: AlertEvent = {
  ...fired,
  type: 'anomaly',
  incidentId: '01KDX2Q4Q8M0N6V8S9T1ANOM00',
  firstError: null,
  summary: 'eu-west 412 ms, expected 180 ms; us-east 390 ms, expected 170 ms',
}

export const flappingStopped: AlertEvent = {
  ...flappingStarted,
  type: 'flapping-stopped',
  at: Date.UTC(2026, 0, 1, 1, 2),
}

export const degraded: AlertEvent = { ...fired, severity: 'degraded', firstError: null }

export const regionDown: AlertEvent = {
  type: 'fired',
  subject: 'region',
  incidentId: '01KDX2Q4Q8M0N6V8S9T1REGION',
  checkId: 'region:eu-west',
  checkName: 'eu-west',
  at: Date.UTC(2026, 0, 1, 0, 2),
  regions: ['eu-west'],
  quorum: 1,
  firstError: null,
  summary: '12 of 20 checks fail in eu-west while other regions pass',
}

export const probeOffline: AlertEvent = {
  ...regionDown,
  subject: 'probe',
  incidentId: '01KDX2Q4Q8M0N6V8S9T1PROBE0',
  checkId: 'probe:eu-west-1',
  checkName: 'eu-west-1',
  summary: 'no status from probe eu-west-1 for 1m',
}

export const channelFailing: AlertEvent = {
  ...regionDown,
  subject: 'channel',
  incidentId: '01KDX2Q4Q8M0N6V8S9T1CHANNL',
  checkId: 'channel:slack',
  checkName: 'slack',
  regions: [],
  summary: '3 deliveries in a row failed: HTTP 500',
}

const shop: AlertEvent = {
  ...fired,
  incidentId: '01KDX2Q4Q8M0N6V8S9T1SHOP00',
  checkId: 'shop',
  checkName: 'Shop',
  regions: ['eu-west'],
}

const login: AlertEvent = {
  ...fired,
  incidentId: '01KDX2Q4Q8M0N6V8S9T1LOGIN0',
  checkId: 'login',
  checkName: 'login',
  regions: ['us-east'],
  firstError: null,
}

/** Three alerts sent as one message by grouping: api-health, with shop and login. */
export const group: AlertEvent = { ...fired, grouped: [shop, login] }

export const ctx = { project: 'Acme', statusUrl: 'https://status.example.com/status/main' }
