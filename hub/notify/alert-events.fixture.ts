/** A fired alert and its resolve, as the channel payload tests share them. */
import type { AlertEvent } from '../types.ts'

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

export const ctx = { project: 'Acme', statusUrl: 'https://status.example.com/status/main' }
