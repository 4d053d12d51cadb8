/**
 * Real `vantage` processes for end-to-end tests: a hub on free loopback ports and
 * probes pointed at it. Each helper waits for the line the process prints once it
 * is up, and keeps stderr (JSON logs) for the failure message.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const VANTAGE_BIN = fileURLToPath(new URL('../../bin/vantage.js', import.meta.url))

export interface VantageProcess {
  child: ChildProcess
  output: () => string
  logs: () => string
  /** SIGTERM and wait; returns the exit code. */
  stop(): Promise<number | null>
  kill(signal: NodeJS.Signals): void
}

function spawnVantage(args: string[], env: NodeJS.ProcessEnv = {}): VantageProcess {
  const child = spawn(process.execPath, [VANTAGE_BIN, ...args], {
    env: { ...process.env, VANTAGE_LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  // 'close' comes after the process exited and its output was read to the end.
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => resolve(code)),
  )
  return {
    child,
    output: () => stdout,
    logs: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
    kill: (signal) => child.kill(signal),
  }
}

async function waitForOutput(
  proc: VantageProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const match = proc.output().match(pattern)
    if (match) return match
    if (proc.child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(
    `process did not print ${pattern} (exit ${proc.child.exitCode})\nstdout:\n${proc.output()}\nstderr:\n${proc.logs().slice(-4000)}`,
  )
}

export interface HubProcess extends VantageProcess {
  httpUrl: string
  mqttUrl: string
}

export async function startHubProcess(options: {
  /** Without it the hub resumes the last config deployed in `dataDir`. */
  checksFile?: string
  dataDir: string
  port?: number
  mqttPort?: number
  env?: NodeJS.ProcessEnv
  /** Accept probes without credentials (`--insecure-demo`); default true. */
  insecureDemo?: boolean
  /** More flags, e.g. `--mqtt-tls-cert`. */
  args?: string[]
}): Promise<HubProcess> {
  const proc = spawnVantage(
    [
      'hub',
      ...(options.checksFile ? ['--checks', options.checksFile] : []),
      '--data',
      options.dataDir,
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port ?? 0),
      '--mqtt-port',
      String(options.mqttPort ?? 0),
      ...(options.insecureDemo === false ? [] : ['--insecure-demo']),
      ...(options.args ?? []),
    ],
    options.env,
  )
  const http = await waitForOutput(proc, /status page\s+(http:\/\/\S+)/, 30_000)
  const mqtt = await waitForOutput(proc, /MQTT\s+(mqtts?:\/\/\S+)/, 5_000)
  return { ...proc, httpUrl: http[1]!, mqttUrl: mqtt[1]! }
}

export async function startProbeProcess(options: {
  mqttUrl: string
  id: string
  region: string
  dataDir: string
  hubKeyFile?: string
  labels?: string
  env?: NodeJS.ProcessEnv
  /** Broker credentials; the password goes through VANTAGE_PASSWORD, as a service would pass it. */
  username?: string
  password?: string
  /** More flags, e.g. `--ca`. */
  args?: string[]
}): Promise<VantageProcess> {
  const args = [
    'probe',
    '--hub',
    options.mqttUrl,
    '--id',
    options.id,
    '--region',
    options.region,
    '--data',
    options.dataDir,
    '--keepalive',
    '5',
  ]
  if (options.hubKeyFile) args.push('--hub-key', options.hubKeyFile)
  if (options.labels) args.push('--label', options.labels)
  if (options.username) args.push('--username', options.username)
  args.push(...(options.args ?? []))
  const env = options.password
    ? { ...options.env, VANTAGE_PASSWORD: options.password }
    : options.env
  const proc = spawnVantage(args, env)
  await waitForOutput(proc, /Vantage probe .* running/, 30_000)
  return proc
}

/** Polls `probe` until it returns a truthy value or the time is up. */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value) return value as NonNullable<T>
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
  )
}
