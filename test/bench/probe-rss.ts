/**
 * `npm run bench:probe-rss`: an idle probe's resident memory, as built (dist/, what the
 * package ships) and from the TypeScript sources through tsx. Each is a real `vantage
 * probe` process connected to Mosquitto, with a stand-in hub (bench-hub.ts) that gives
 * it a few HTTP checks every minute of a loopback target, measured once it has settled:
 * the median of its RSS sampled every second, and its peak. Loopback only, about a
 * minute and a half.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTargetServer } from '../fixtures/target-server.ts'
import { mosquittoWorks, startMosquitto } from '../fixtures/mosquitto.ts'
import { startBenchHub } from './bench-hub.ts'
import { percentile, processRssMiB } from './proc-stats.ts'
import { startBenchProbe } from './probe-process.ts'

const SETTLE_MS = 20_000
const SAMPLE_MS = 20_000
const CHECKS = 5
const GOAL_MIB = 80

if (!mosquittoWorks()) {
  console.error('bench:probe-rss needs Mosquitto (apt-get install mosquitto)')
  process.exit(2)
}

const dir = mkdtempSync(join(tmpdir(), 'vantage-bench-rss-'))
const target = await startTargetServer()
const broker = await startMosquitto()
const hub = await startBenchHub(broker.url)
try {
  console.log(
    `bench:probe-rss  an idle probe (${CHECKS} HTTP checks every minute), ${SETTLE_MS / 1_000} s to settle, then RSS every second for ${SAMPLE_MS / 1_000} s`,
  )
  await hub.deploy(
    Array.from({ length: CHECKS }, (_, i) => ({
      kind: 'http',
      id: `idle-${i}`,
      url: `${target.url}/`,
      every: '1m',
    })),
    ['idle'],
  )
  for (const fromSource of [false, true]) {
    const probe = await startBenchProbe({
      brokerUrl: broker.url,
      id: fromSource ? 'idle-source' : 'idle-built',
      region: 'idle',
      dir,
      fromSource,
    })
    try {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
      const samples: number[] = []
      for (let elapsed = 0; elapsed < SAMPLE_MS; elapsed += 1_000) {
        samples.push(processRssMiB(probe.pid).now)
        await new Promise((resolve) => setTimeout(resolve, 1_000))
      }
      samples.sort((a, b) => a - b)
      const label = probe.compiled
        ? 'compiled (dist/)'
        : fromSource
          ? 'TypeScript via tsx'
          : 'TypeScript via tsx (no build: run `npm run build`)'
      console.log(
        `  ${label.padEnd(20)} RSS ${percentile(samples, 50).toFixed(1)} MiB (peak ${processRssMiB(probe.pid).peak.toFixed(1)} MiB)` +
          (probe.compiled ? `; goal <= ${GOAL_MIB} MiB` : ''),
      )
    } finally {
      await probe.process.stop()
    }
  }
} finally {
  await hub.close()
  await broker.stop()
  await target.close()
  rmSync(dir, { recursive: true, force: true })
}
