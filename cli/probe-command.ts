/** `vantage probe`: runs a probe agent that takes its checks from a hub. */
import { hostname } from 'node:os'
import { Command, InvalidArgumentError, Option } from 'commander'
import { HUB_REGION } from '../checks/spec.ts'
import { PROBE_ID } from '../checks/wire.ts'
import { createLogger } from '../lib/logger.ts'
import { startProbe } from '../probe/agent.ts'
import { sizeYoungGenerationByLoad } from './probe-heap.ts'
import { DEFAULT_OUTBOX_LIMITS } from '../probe/outbox.ts'
import { resolveHubKey } from './hub-key-option.ts'
import { parseBytes, parseDurationFlag, parseLabels, parseMqttUrl, parsePort } from './options.ts'
import {
  addProbeSecurityOptions,
  refusalHint,
  resolveProbeSecurity,
  tokenRegionMismatch,
  type ProbeSecurity,
  type ProbeSecurityFlags,
} from './probe-security-options.ts'
import { addProbeAdminCommands } from './probe-admin-command.ts'
import { onShutdown } from './shutdown.ts'
import { claimDataDir, exitIfPortTaken, requireFreePorts, type PortFlag } from './startup.ts'
import type { HealthServer } from '../probe/health-server.ts'
import { VERSION } from './version.ts'

interface ProbeFlags extends Omit<ProbeSecurityFlags, 'id'> {
  hub?: string
  id?: string
  region?: string
  label: Record<string, string>
  data?: string
  hubKey?: string
  username?: string
  password?: string
  topicPrefix: string
  keepalive: string
  outboxMaxBytes: number
  outboxMaxAge: number
  healthDnsName: string
  maxClockSkew: number
  healthPort?: number
  healthHost: string
  browser: boolean
  browserConcurrency?: number
}

/** Browser attempts at once: each holds a browser context, tens to hundreds of MiB. */
function parseConcurrency(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new InvalidArgumentError(`"${value}" is not a number of browser runs from 1 to 64`)
  }
  return n
}

/** A probe region; the hub's own region is refused, as it is where heartbeats are judged. */
function parseRegion(value: string): string {
  if (value === HUB_REGION) {
    throw new InvalidArgumentError(
      `"${HUB_REGION}" is the hub's own region, where heartbeats are watched; pick another name (e.g. eu-west)`,
    )
  }
  return value
}

export function probeCommand(): Command {
  const command = new Command('probe')
    .description(
      'run a probe: receive checks from the hub, run them on schedule, send results back',
    )
    .addOption(
      new Option(
        '--hub <url>',
        "the hub's MQTT broker, e.g. mqtt://hub.example.com:1883, mqtts://...:8883 or ws://hub.example.com:8080/mqtt",
      )
        // Checked in the action, not by commander, which would demand it of the subcommands too.
        .env('VANTAGE_HUB')
        .argParser(parseMqttUrl),
    )
    .addOption(
      // No default: two hosts that both left it out would share one id and knock each
      // other off the broker.
      new Option(
        '--id <probeId>',
        'this probe\u2019s own id, unique in the network, e.g. eu-west-1',
      ).env('VANTAGE_PROBE_ID'),
    )
    .addOption(
      new Option(
        '--region <name>',
        `the region this probe runs checks for, e.g. eu-west (not "${HUB_REGION}": reserved for heartbeats)`,
      )
        .env('VANTAGE_REGION')
        .argParser(parseRegion),
    )
    .addOption(
      new Option('--label <key=value>', 'a label, repeatable or comma-separated (e.g. role=app)')
        .env('VANTAGE_LABELS')
        .argParser(parseLabels)
        .default({}),
    )
    .addOption(
      new Option(
        '-d, --data <dir>',
        'data directory for the outbox and last config (default ./probe-data/<id>)',
      ).env('VANTAGE_PROBE_DATA'),
    )
    .addOption(
      new Option(
        '--hub-key <file or fingerprint>',
        "the hub's public key (hub-key.pub.pem from the hub's data dir), or its fingerprint " +
          '(sha256:..., printed by the hub); bundles that do not verify are rejected',
      ).env('VANTAGE_HUB_KEY'),
    )
    .addOption(new Option('--username <name>', 'broker username').env('VANTAGE_USERNAME'))
    .addOption(
      new Option('--password <secret>', 'broker password or token').env('VANTAGE_PASSWORD'),
    )
    .addOption(
      new Option('--topic-prefix <prefix>', 'MQTT topic prefix shared with the hub')
        .env('VANTAGE_TOPIC_PREFIX')
        .default('vantage/v1'),
    )
    .addOption(
      new Option(
        '--keepalive <seconds>',
        'MQTT keepalive; the broker declares the probe dead after 1.5x this',
      )
        .env('VANTAGE_KEEPALIVE')
        .default('30'),
    )
    .addOption(
      new Option(
        '--outbox-max-bytes <size>',
        'the outbox drops its oldest results past this size (e.g. 512MiB, 2GB); dropped results are counted',
      )
        .env('VANTAGE_OUTBOX_MAX_BYTES')
        .argParser(parseBytes)
        .default(DEFAULT_OUTBOX_LIMITS.maxBytes, '1GiB, over 24 h at 1,000 checks/min'),
    )
    .addOption(
      new Option(
        '--outbox-max-age <duration>',
        'the outbox drops results measured longer ago than this (e.g. 24h, 7d)',
      )
        .env('VANTAGE_OUTBOX_MAX_AGE')
        .argParser(parseDurationFlag)
        .default(DEFAULT_OUTBOX_LIMITS.maxAgeMs, '48h'),
    )
    .addOption(
      new Option(
        '--health-dns-name <name>',
        'self-health: a name the system resolver must answer for (e.g. the hub host)',
      )
        .env('VANTAGE_HEALTH_DNS_NAME')
        .default('localhost'),
    )
    .addOption(
      new Option(
        '--max-clock-skew <duration>',
        "self-health: the probe is unhealthy when its clock is further than this from the hub's",
      )
        .env('VANTAGE_MAX_CLOCK_SKEW')
        .argParser(parseDurationFlag)
        .default(5_000, '5s'),
    )
    .addOption(
      new Option(
        '--health-port <port>',
        'serve GET /healthz, /readyz (connected, a verified config, healthy clock and outbox) and ' +
          "/metrics (the probe's Prometheus series) on this port",
      )
        .env('VANTAGE_HEALTH_PORT')
        .argParser(parsePort),
    )
    .addOption(
      new Option('--health-host <address>', 'address of the health port')
        .env('VANTAGE_HEALTH_HOST')
        .default('127.0.0.1'),
    )
    .addOption(
      new Option(
        '--browser-concurrency <n>',
        'browser checks run at once (default: one per 1.5 GiB of memory, 1 to 8)',
      )
        .env('VANTAGE_BROWSER_CONCURRENCY')
        .argParser(parseConcurrency),
    )
    .option('--no-browser', 'run no browser checks, even where Chromium is installed')
    .action(async (flags: ProbeFlags) => {
      const missing = [
        ['--hub', 'VANTAGE_HUB', "the hub's MQTT broker, e.g. --hub mqtt://hub.example.com:1883"],
        ['--region', 'VANTAGE_REGION', 'e.g. --region eu-west'],
      ].find(([flag]) => !(flag === '--hub' ? flags.hub : flags.region))
      if (missing) {
        const [flag, env, example] = missing
        process.stderr.write(`vantage probe: ${flag} is required (or ${env}): ${example}\n`)
        process.exit(2)
      }
      const hubUrl = flags.hub!
      const region = flags.region!
      if (!flags.id) {
        const suggestion = hostname()
          .replace(/[^A-Za-z0-9._-]/g, '-')
          .slice(0, 64)
        process.stderr.write(
          'vantage probe: --id is required (or VANTAGE_PROBE_ID): each probe needs its own id, ' +
            `which its token is made for; e.g. --id ${suggestion}\n`,
        )
        process.exit(2)
      }
      if (!PROBE_ID.test(flags.id)) {
        process.stderr.write(
          `vantage probe: --id "${flags.id}" may only contain letters, digits, ".", "_" and "-"\n`,
        )
        process.exit(2)
      }
      const keepaliveSec = Number(flags.keepalive)
      if (!Number.isInteger(keepaliveSec) || keepaliveSec < 1) {
        process.stderr.write(
          `vantage probe: --keepalive "${flags.keepalive}" is not a whole number of seconds\n`,
        )
        process.exit(2)
      }
      let hubKey
      if (flags.hubKey) {
        try {
          hubKey = resolveHubKey(flags.hubKey)
        } catch (error) {
          process.stderr.write(`vantage probe: ${(error as Error).message}\n`)
          process.exit(2)
        }
      }
      let security: ProbeSecurity
      try {
        security = resolveProbeSecurity({ ...flags, id: flags.id })
      } catch (error) {
        process.stderr.write(`vantage probe: ${(error as Error).message}\n`)
        process.exit(2)
      }
      const mismatch = tokenRegionMismatch(security, region)
      if (mismatch) {
        process.stderr.write(`vantage probe: ${mismatch}\n`)
        process.exit(3)
      }
      const healthPorts: PortFlag[] =
        flags.healthPort === undefined
          ? []
          : [{ port: flags.healthPort, host: flags.healthHost, flag: '--health-port' }]
      await requireFreePorts('probe', healthPorts)
      if (!hubKey) {
        process.stderr.write(
          'vantage probe: WARNING: no --hub-key: this probe runs any config bundle it receives, ' +
            "signed or not. Pass the hub's hub-key.pub.pem or its fingerprint " +
            '(`vantage hub --print-key-fingerprint` on the hub host) with --hub-key.\n',
        )
      }
      const probeId = flags.id
      const dataDir = flags.data ?? `./probe-data/${flags.id}`
      const lock = claimDataDir('probe', dataDir)
      const logger = createLogger('probe').child({ probeId, region })
      const probe = await startProbe({
        hubUrl,
        probeId: flags.id,
        region,
        labels: flags.label,
        dataDir,
        hubKey,
        username: security.username,
        password: security.password,
        tls: security.tls,
        topicPrefix: flags.topicPrefix,
        keepaliveSec,
        outboxLimits: { maxBytes: flags.outboxMaxBytes, maxAgeMs: flags.outboxMaxAge },
        healthDnsName: flags.healthDnsName,
        maxClockSkewMs: flags.maxClockSkew,
        browser: { enabled: flags.browser, concurrency: flags.browserConcurrency },
        version: VERSION,
        logger,
        onFatal: (fatal) => {
          const hint = fatal.hint ?? refusalHint(fatal.code, probeId, region)
          process.stderr.write(`vantage probe: ${fatal.message}\n  ${hint}\n`)
          void probe.stop().finally(() => process.exit(3))
        },
      })
      // Its modules are loaded: from here the young generation follows the load.
      sizeYoungGenerationByLoad()
      let health: HealthServer | undefined
      if (flags.healthPort !== undefined) {
        try {
          // Imported here: a probe without a health port carries no HTTP server.
          const { createHealthApp, probeMetricsRoutes, serveHealth } =
            await import('../probe/health-server.ts')
          const app = createHealthApp(() => probe.readiness())
          app.route(
            '/',
            probeMetricsRoutes(() => probe.metrics()),
          )
          health = await serveHealth(app, flags.healthPort, flags.healthHost)
        } catch (error) {
          await probe.stop()
          exitIfPortTaken('probe', error, healthPorts)
          throw error
        }
      }
      process.stdout.write(`Vantage probe ${flags.id} (${region}) running against ${hubUrl}\n`)
      if (health) process.stdout.write(`  health  ${health.url}/readyz\n`)
      onShutdown(async () => {
        await probe.stop()
        await health?.close()
        lock.release()
      })
    })
  // Positional: `vantage probe remove X --hub http://...` gives --hub to `remove`.
  return addProbeAdminCommands(addProbeSecurityOptions(command).enablePositionalOptions())
}
