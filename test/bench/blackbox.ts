/**
 * The bench's blackbox_exporter side: the Debian binary on a loopback port with a
 * generated config, probed through its /probe endpoint at a steady rate, as Prometheus
 * would probe that many targets. Its CPU is read from /proc/<pid>/stat, so the CPU of
 * the bench's own calls to /probe is not counted; serving them is part of its work.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Agent, request } from 'undici'
import { processCpuMs } from './proc-stats.ts'
import type { Prober, Round } from './prober.ts'

const MODULE = 'http_fresh'
const READY_TIMEOUT_MS = 15_000

export interface BlackboxOptions {
  bin: string
  /** Where to write the config. */
  dir: string
  /** URL to probe. */
  target: string
  /** Probes started per second, as a Prometheus scraping that many targets would. */
  perSecond: number
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export async function startBlackbox(options: BlackboxOptions): Promise<Prober> {
  const config = join(options.dir, 'blackbox.yml')
  // Its http prober turns keep-alive off itself (WithKeepAlivesDisabled): like Vantage,
  // it opens a fresh connection per probe and traces DNS, connect, TLS and transfer.
  writeFileSync(
    config,
    [
      'modules:',
      `  ${MODULE}:`,
      '    prober: http',
      '    timeout: 5s',
      '    http:',
      '      valid_status_codes: [200]',
      '      preferred_ip_protocol: ip4',
      '      ip_protocol_fallback: false',
      '',
    ].join('\n'),
  )
  const port = await freePort()
  const child = spawn(
    options.bin,
    [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
  const base = `http://127.0.0.1:${port}`
  // Kept-alive connections to blackbox itself: only its probes of the target are fresh.
  const client = new Agent({ connections: 64 })
  const close = async () => {
    await client.close()
    if (child.exitCode === null) child.kill('SIGTERM')
  }

  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    const healthy = await request(`${base}/-/healthy`, { dispatcher: client })
      .then(async (response) => (await response.body.text(), response.statusCode === 200))
      .catch(() => false)
    if (healthy) break
    if (Date.now() > deadline || child.exitCode !== null) {
      await close()
      throw new Error(`blackbox_exporter did not become healthy in ${READY_TIMEOUT_MS} ms`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }

  const probeUrl = `${base}/probe?target=${encodeURIComponent(options.target)}&module=${MODULE}`
  const once = async (): Promise<boolean> => {
    const response = await request(probeUrl, { dispatcher: client })
    return /^probe_success 1$/m.test(await response.body.text())
  }
  return {
    async round(ms: number): Promise<Round> {
      const cpuBefore = processCpuMs(child.pid!)
      const started = performance.now()
      const runs: Promise<boolean>[] = []
      // A tick every 100 ms starts the probes due by then, so the rate holds even when
      // a tick is late.
      while (performance.now() - started < ms) {
        const due = Math.floor(((performance.now() - started) / 1_000) * options.perSecond)
        while (runs.length < due) runs.push(once().catch(() => false))
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      const up = await Promise.all(runs)
      return {
        done: runs.length,
        notUp: up.filter((ok) => !ok).length,
        cpuMs: processCpuMs(child.pid!) - cpuBefore,
      }
    },
    close,
  }
}
