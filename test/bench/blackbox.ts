/**
 * The bench's blackbox_exporter side: the Debian binary on a loopback port with a
 * generated config, probed through its /probe endpoint. Its CPU is read from
 * /proc/<pid>/stat, so the CPU of the bench's own calls to /probe is not counted.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Agent, request } from 'undici'
import type { Prober } from './prober.ts'

const MODULE = 'http_fresh'
const READY_TIMEOUT_MS = 15_000

export interface BlackboxOptions {
  bin: string
  /** Where to write the config. */
  dir: string
  /** URL to probe. */
  target: string
  /** Calls to /probe in flight at once; the bench keeps that many connections open. */
  concurrency: number
  /** CPU of a process in ms (utime + stime). */
  cpuMs(pid: number): number
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
  const client = new Agent({ connections: options.concurrency })
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
  return {
    async once() {
      const response = await request(probeUrl, { dispatcher: client })
      return /^probe_success 1$/m.test(await response.body.text())
    },
    cpuMs: () => options.cpuMs(child.pid!),
    close,
  }
}
