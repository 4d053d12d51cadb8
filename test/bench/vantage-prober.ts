/**
 * The bench's Vantage side: a whole probe, as it runs in production. A `vantage probe`
 * process (probe-process.ts) takes `checks` HTTP checks of the target, every `every`,
 * from bench-hub.ts over a real broker, and runs them on its own schedule: scheduler,
 * runner, outbox, publisher and the broker connection all count. Between rounds the
 * bench hub drains it (it then runs nothing), so that it is measured alone. Its CPU is
 * read from /proc/<pid>/stat, like blackbox_exporter's.
 */
import { startBenchHub, type BenchHub, type Received } from './bench-hub.ts'
import { processCpuMs } from './proc-stats.ts'
import { startBenchProbe, type BenchProbe } from './probe-process.ts'
import type { Prober, Round } from './prober.ts'

const PROBE_ID = 'bench-1'
const REGION = 'bench'
/** After a drain: the runs in flight end, the publisher's linger passes, the hub acks. */
const SETTLE_MS = 2_000

export interface VantageProber extends Prober {
  probe: BenchProbe
  /** Every scheduled run measured in the rounds so far (for lateness). */
  measured(): Received[]
}

export async function startVantageProber(options: {
  brokerUrl: string
  dir: string
  target: string
  checks: number
  every: string
}): Promise<VantageProber> {
  const hub: BenchHub = await startBenchHub(options.brokerUrl)
  const probe = await startBenchProbe({
    brokerUrl: options.brokerUrl,
    id: PROBE_ID,
    region: REGION,
    dir: options.dir,
  })
  const close = async () => {
    await probe.process.stop()
    await hub.close()
  }
  try {
    await hub.drain(PROBE_ID, true)
    await hub.deploy(
      Array.from({ length: options.checks }, (_, i) => ({
        kind: 'http',
        id: `http-${String(i).padStart(4, '0')}`,
        url: options.target,
        every: options.every,
        timeout: '5s',
        expect: { status: 200 },
      })),
      [REGION],
    )
  } catch (error) {
    await close()
    throw error
  }
  const measured: Received[] = []
  return {
    probe,
    measured: () => measured,
    async round(ms: number): Promise<Round> {
      const cpuBefore = processCpuMs(probe.pid)
      const countBefore = hub.count()
      const from = Date.now()
      await hub.drain(PROBE_ID, false)
      await new Promise((resolve) => setTimeout(resolve, ms))
      await hub.drain(PROBE_ID, true)
      const to = Date.now()
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
      // A run due in the second the resume arrived in is stamped with that second.
      const results = hub.resultsBetween(from - 1_000, to + 1_000)
      measured.push(...results)
      const done = hub.count() - countBefore
      return {
        done,
        notUp: results.filter((result) => !result.up).length,
        cpuMs: processCpuMs(probe.pid) - cpuBefore,
      }
    },
    close,
  }
}
