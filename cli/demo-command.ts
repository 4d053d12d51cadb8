/**
 * `vantage demo` (what `npm start` runs): a whole monitoring network on this
 * machine. A hub process with its embedded broker, three probe processes in
 * eu-west, us-east and ap-south, and a local target that goes down on a schedule,
 * all running the checks in examples/monitors.ts.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Command, Option } from 'commander'
import { formatDuration, parseDuration } from '../checks/duration.ts'
import { sleep } from '../lib/backoff.ts'
import { spawnVantage, stopAll, type Child } from './demo/children.ts'
import { startDemoCron, type DemoCron } from './demo/demo-cron.ts'
import { DEMO_SHOP_PASSWORD } from './demo/demo-shop.ts'
import { startDemoTarget } from './demo/demo-target.ts'
import { parsePort } from './options.ts'
import { onShutdown } from './shutdown.ts'
import { claimDataDir, requireFreePorts } from './startup.ts'
import { LOCK_FILE } from '../lib/data-dir.ts'
import { packagePath } from '../lib/package-root.ts'

const EXAMPLE_MONITORS = packagePath('examples/monitors.ts')
const REGIONS = ['eu-west', 'us-east', 'ap-south']

interface DemoFlags {
  port: number
  mqttPort: number
  targetPort: number
  up: string
  down: string
  data: string
  checks: string
}

function parseDurationFlag(value: string): string {
  parseDuration(value)
  return value
}

export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'run a demo network on this machine: hub, three regional probes and a flaky target',
    )
    .addOption(
      new Option('-p, --port <port>', 'status page and API port')
        .env('VANTAGE_PORT')
        .default(8080)
        .argParser(parsePort),
    )
    .addOption(
      new Option('--mqtt-port <port>', 'embedded MQTT broker port')
        .env('VANTAGE_MQTT_PORT')
        .default(1883)
        .argParser(parsePort),
    )
    .addOption(
      new Option('--target-port <port>', 'port of the demo target service')
        .env('VANTAGE_DEMO_TARGET_PORT')
        .default(8081)
        .argParser(parsePort),
    )
    .addOption(
      new Option('--up <duration>', 'how long the target stays up each cycle')
        .default('90s')
        .argParser(parseDurationFlag),
    )
    .addOption(
      new Option('--down <duration>', 'how long the target stays down each cycle')
        .default('60s')
        .argParser(parseDurationFlag),
    )
    .addOption(
      new Option('-d, --data <dir>', 'demo data directory, wiped at start')
        .env('VANTAGE_DEMO_DATA')
        .default('./data/demo'),
    )
    .addOption(new Option('-c, --checks <file>', 'monitors file').default(EXAMPLE_MONITORS))
    .action(async (flags: DemoFlags) => runDemo(flags))
}

async function runDemo(flags: DemoFlags): Promise<void> {
  const dataDir = resolve(flags.data)
  await requireFreePorts('demo', [
    { port: flags.port, host: '127.0.0.1', flag: '--port' },
    { port: flags.mqttPort, host: '127.0.0.1', flag: '--mqtt-port' },
    { port: flags.targetPort, host: '127.0.0.1', flag: '--target-port' },
  ])
  // Locked before it is wiped: a second demo on the same directory is refused instead
  // of deleting the running one's data.
  const lock = claimDataDir('demo', dataDir)
  for (const entry of readdirSync(dataDir)) {
    if (!entry.startsWith(LOCK_FILE)) rmSync(join(dataDir, entry), { recursive: true, force: true })
  }
  const logDir = join(dataDir, 'logs')
  mkdirSync(logDir, { recursive: true })
  const children: Child[] = []
  const say = (line: string) => process.stdout.write(`${line}\n`)
  let stopping = false

  const target = await startDemoTarget({
    port: flags.targetPort,
    upMs: parseDuration(flags.up),
    downMs: parseDuration(flags.down),
    onChange: (up, reason) =>
      say(
        up
          ? `[demo] target is UP again (${reason}); expect a RESOLVED line once the regions recover`
          : `[demo] target is DOWN: answering 503 for ${formatDuration(parseDuration(flags.down))} (${reason}); expect an ALERT within about 30 s`,
      ),
  })

  let cron: DemoCron | undefined
  const stop = async () => {
    stopping = true
    cron?.stop()
    say('[demo] stopping hub and probes...')
    await stopAll(children)
    await target.close()
    lock.release()
    say('[demo] stopped.')
  }
  onShutdown(stop)

  const hubData = join(dataDir, 'hub')
  const hub = spawnVantage(
    'hub',
    [
      'hub',
      '--checks',
      flags.checks,
      '--port',
      String(flags.port),
      '--mqtt-port',
      String(flags.mqttPort),
      '--data',
      hubData,
      '--host',
      '127.0.0.1',
      // The demo's probes have no tokens; the hub prints a warning saying so.
      '--insecure-demo',
    ],
    {
      logFile: join(logDir, 'hub.log'),
      env: {
        VANTAGE_DEMO_TARGET: target.url,
        // The browser check's secret, from the hub's environment as in production.
        DEMO_SHOP_PASSWORD: DEMO_SHOP_PASSWORD,
        VANTAGE_PUBLIC_URL: `http://localhost:${flags.port}`,
      },
      onLine: (line) => say(line),
    },
  )
  children.push(hub)
  watchForCrash(hub, () => stopping, stop, join(logDir, 'hub.log'))

  const healthy = await waitForHealthy(`http://127.0.0.1:${flags.port}/healthz`, hub, 45_000)
  if (!healthy) {
    say(`[demo] the hub did not become healthy; see ${join(logDir, 'hub.log')}`)
    await stop()
    process.exit(1)
  }

  for (const region of REGIONS) {
    const probeId = `${region}-1`
    const probe = spawnVantage(
      probeId,
      [
        'probe',
        '--hub',
        `mqtt://127.0.0.1:${flags.mqttPort}`,
        '--id',
        probeId,
        '--region',
        region,
        '--data',
        join(dataDir, 'probes', probeId),
        '--hub-key',
        join(hubData, 'hub-key.pub.pem'),
        '--keepalive',
        '10',
        '--label',
        'role=demo',
        // One Chromium is enough on a laptop: the demo's browser check runs in eu-west.
        ...(region === 'eu-west' ? [] : ['--no-browser']),
      ],
      { logFile: join(logDir, `${probeId}.log`) },
    )
    children.push(probe)
    watchForCrash(probe, () => stopping, stop, join(logDir, `${probeId}.log`))
  }

  // The example monitors carry a heartbeat for this fake cron job; another file may not.
  if (flags.checks === EXAMPLE_MONITORS) {
    let reported = false
    cron = startDemoCron({
      hubUrl: `http://127.0.0.1:${flags.port}`,
      checkId: 'demo-cron',
      everyMs: 30_000,
      targetUp: () => target.isUp(),
      onError: (message) => {
        if (!reported) say(`[demo] the demo cron job could not report: ${message}`)
        reported = true
      },
    })
  }

  say('')
  say(
    `[demo] Vantage demo is running: 1 hub, ${REGIONS.length} probes (${REGIONS.join(', ')}), target ${target.url}`,
  )
  say(`[demo]   status page   http://localhost:${flags.port}`)
  say(`[demo]   API           http://localhost:${flags.port}/api/v1/checks`)
  say(
    `[demo]   target cycle  up ${flags.up}, down ${flags.down}; flip it now with: curl -X POST ${target.url}/admin/down  (or /admin/up)`,
  )
  say(
    `[demo]   heartbeat     a fake cron job pings demo-cron every 30 s (fails while the target is down)`,
  )
  say(
    `[demo]   browser       demo-shop logs in to the target's shop from eu-west; while it is down, its incident at http://localhost:${flags.port}/internal shows the failing step's screenshot`,
  )
  say(`[demo]   logs          ${logDir}`)
  say('[demo] Alert lines appear below as they fire and resolve. Ctrl-C stops everything.')
  say('')
}

function watchForCrash(
  child: Child,
  stopping: () => boolean,
  stop: () => Promise<void>,
  logFile: string,
): void {
  void child.exited.then(async (code) => {
    if (stopping()) return
    process.stdout.write(
      `[demo] ${child.name} exited unexpectedly (code ${code}); last log lines:\n${tail(logFile, 8)}\n`,
    )
    await stop()
    process.exit(1)
  })
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .map((line) => `    ${line}`)
      .join('\n')
  } catch {
    return '    (no log)'
  }
}

async function waitForHealthy(url: string, hub: Child, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline && hub.process.exitCode === null) {
    try {
      const response = await fetch(url)
      if (response.ok) return true
    } catch {
      // Not listening yet.
    }
    await sleep(250)
  }
  return false
}
