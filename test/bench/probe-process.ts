/**
 * A real `vantage probe` process for the probe benchmarks, pointed at a broker where
 * bench-hub.ts plays the hub. It runs the compiled build (dist/, as installed) when there
 * is one and the sources through tsx otherwise; `compiled` says which.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startProbeProcess, type VantageProcess } from '../e2e/processes.ts'

const BUILD = fileURLToPath(new URL('../../dist/build.json', import.meta.url))

export interface BenchProbe {
  process: VantageProcess
  pid: number
  compiled: boolean
}

export async function startBenchProbe(options: {
  brokerUrl: string
  id: string
  region: string
  dir: string
  /** Run the TypeScript sources through tsx even when there is a build. */
  fromSource?: boolean
}): Promise<BenchProbe> {
  const compiled = !options.fromSource && existsSync(BUILD)
  const process = await startProbeProcess({
    mqttUrl: options.brokerUrl,
    id: options.id,
    region: options.region,
    dataDir: join(options.dir, options.id),
    args: ['--no-browser'],
    // A production log level: the e2e helpers' debug logs a line per result.
    env: { VANTAGE_LOG_LEVEL: 'info', VANTAGE_FROM_SOURCE: compiled ? '0' : '1' },
  })
  return { process, pid: process.child.pid!, compiled }
}
