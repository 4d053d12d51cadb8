/**
 * bench:status's hub: the hub's HTTP app, status pages and read model wired as hub/hub.ts
 * wires them, on a seeded database (argv[2]), served over HTTP on a free port, in a
 * process of its own so that its CPU and memory are measured apart from the clients.
 * Check states come from a stand-in for the alert engine that the parent can change
 * (`{ flip: checkId, status }` over IPC); the clock runs from the seeded history's end.
 * Prints nothing; sends `{ url }` once it serves, and its memory (`{ memory: true }`) or
 * a heap snapshot (`{ snapshot: path }`) when asked.
 */
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8'
import type {
  CheckAlertState,
  CheckAlertStatus,
  StateChange,
} from '../../../hub/alerts/alert-state.ts'
import { createApp } from '../../../hub/api/app.ts'
import { serveHub } from '../../../hub/api/serve.ts'
import { IncidentStore } from '../../../hub/incidents/incident-store.ts'
import { startStatusPages } from '../../../hub/statuspages/wiring.ts'
import { openDatabase } from '../../../hub/store/database.ts'
import { ResultStore } from '../../../hub/store/result-store.ts'
import { startReadModel } from '../../../hub/views/read-model.ts'
import { limitHeapGrowth } from '../../../lib/heap-growth.ts'
import { silentLogger } from '../../../lib/logger.ts'
import { benchConfig, NOW, REGIONS } from './bench-config.ts'

// As hub/hub.ts does first.
limitHeapGrowth()
const dbPath = process.argv[2]!
const checks = Number(process.argv[3])
const started = Date.now()
const clock = { now: () => NOW + (Date.now() - started) }
const config = benchConfig(checks)
const db = openDatabase(dbPath)
const results = new ResultStore(db)
const incidents = new IncidentStore(db)

const statuses = new Map<string, CheckAlertStatus>()
const listeners: Array<(change: StateChange) => void> = []
const since = NOW - 86_400_000
const state = (checkId: string): CheckAlertState => {
  const status = statuses.get(checkId) ?? (checkId.endsWith('7') ? 'degraded' : 'up')
  return {
    checkId,
    status,
    regions: Object.fromEntries(
      REGIONS.map((r) => [r, status === 'down' ? 'failing' : 'passing'] as const),
    ),
    failingRegions: status === 'down' ? REGIONS : [],
    since,
    incidentId: null,
  }
}
const silences = { inMaintenance: () => false, maintenanceWindows: () => [], list: () => [] }

const loading = performance.now()
const readModel = startReadModel({
  db,
  config: () => config,
  results,
  incidents,
  alertState: state,
  clock,
  logger: silentLogger(),
})
const pages = startStatusPages({
  db,
  config: () => config,
  results,
  incidents,
  engine: { state },
  silences,
  clock,
  logger: silentLogger(),
  publicUrl: 'https://status.example.com',
  historyReader: results.history,
  readModel,
})
const app = createApp({
  project: () => config.project,
  checks: () => config.checks,
  results,
  alertState: state,
  outages: (id, from, to) => incidents.outages(id, from, to),
  probes: () => [],
  health: () => ({ ok: true }),
  now: () => clock.now(),
  statusPages: pages.app,
  readModel,
})
await readModel.ready()
const loadedMs = performance.now() - loading
pages.start()
const server = await serveHub({ fetch: app.fetch, port: 0, host: '127.0.0.1' })
process.send!({ url: server.url, loadedMs })

interface Message {
  flip?: string
  status?: CheckAlertStatus
  /** Answer `{ memory }`: the RSS as V8 and Node count it (no collection is asked for). */
  memory?: true
  /** Write a heap snapshot to this path, then answer `{ snapshot }` (for profiling). */
  snapshot?: string
  close?: true
}

process.on('message', (message: Message) => {
  if (message.memory) {
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]),
    )
    process.send!({ memory: { ...process.memoryUsage(), spaces } })
  }
  if (message.snapshot) process.send!({ snapshot: writeHeapSnapshot(message.snapshot) })
  if (message.flip && message.status) {
    statuses.set(message.flip, message.status)
    const change = { checkId: message.flip, series: null, state: message.status, at: clock.now() }
    for (const listener of listeners) listener(change)
    readModel.stateChanged(change)
    process.send!({ flipped: message.flip })
  }
  if (message.close) {
    void (async () => {
      await server.close()
      await pages.close()
      await readModel.close()
      db.close()
      process.exit(0)
    })()
  }
})
