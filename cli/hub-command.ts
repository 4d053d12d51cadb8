/** `vantage hub`: runs the hub with its embedded broker, API and status page. */
import { mkdirSync } from 'node:fs'
import { Command, Option } from 'commander'
import type { MonitoringConfig } from '../checks/validate.ts'
import { fingerprintOf } from '../checks/hub-fingerprint.ts'
import { formatWarnings, loadMonitors } from './load-monitors.ts'
import { startHub, type RunningHub } from '../hub/hub.ts'
import { loadOrCreateHubKey } from '../hub/config/keys.ts'
import { DeployError } from '../hub/config/live-config.ts'
import {
  loadRemediationCommands,
  RemediationConfigError,
  type RemediationCommand,
} from '../hub/alerts/remediation/remediation-commands.ts'
import { createLogger } from '../lib/logger.ts'
import {
  parseRetention,
  RetentionError,
  type Retention,
  type RetentionFlags,
} from '../hub/history/retention.ts'
import {
  addHubSecurityOptions,
  INSECURE_DEMO_WARNING,
  resolveHubSecurity,
  type HubSecurity,
  type HubSecurityFlags,
} from './hub-security-options.ts'
import { parseBytes, parseDurationFlag, parseMqttUrl, parsePort } from './options.ts'
import { addHubOpsOptions, resolveHubOps, type HubOpsFlags } from './hub-ops-options.ts'
import { onShutdown } from './shutdown.ts'
import { claimDataDir, exitIfPortTaken, requireFreePorts, type PortFlag } from './startup.ts'

interface HubFlags extends HubSecurityFlags, RetentionFlags, HubOpsFlags {
  checks?: string
  printKeyFingerprint?: boolean
  port: number
  host: string
  mqttPort: number
  broker?: string
  brokerUsername?: string
  brokerPassword?: string
  data: string
  topicPrefix: string
  publicUrl?: string
  apiToken?: string
  remediation?: string
  artifactRetention: number
  artifactMaxBytes: number
}

export function hubCommand(): Command {
  const command = new Command('hub')
    .description('run the hub: embedded MQTT broker, result store, alerts, API and status page')
    .addOption(
      new Option(
        '-c, --checks <file>',
        'monitors file (TypeScript or JavaScript) whose default export is defineMonitoring(...), ' +
          'deployed at start; without it the hub resumes the last config deployed in --data',
      ).env('VANTAGE_CHECKS'),
    )
    .addOption(
      new Option('-p, --port <port>', 'HTTP port for the status page and API')
        .env('VANTAGE_PORT')
        .default(8080)
        .argParser(parsePort),
    )
    .addOption(
      new Option('--host <address>', 'address to listen on (HTTP and embedded MQTT)')
        .env('VANTAGE_HOST')
        .default('0.0.0.0'),
    )
    .addOption(
      new Option('--mqtt-port <port>', 'port of the embedded MQTT broker')
        .env('VANTAGE_MQTT_PORT')
        .default(1883)
        .argParser(parsePort),
    )
    .addOption(
      new Option(
        '--broker <url>',
        'use an external MQTT broker (e.g. mqtt://mosquitto:1883) instead of the embedded one',
      )
        .env('VANTAGE_BROKER')
        .argParser(parseMqttUrl),
    )
    .addOption(
      new Option('--broker-username <name>', 'username for the external broker').env(
        'VANTAGE_BROKER_USERNAME',
      ),
    )
    .addOption(
      new Option('--broker-password <secret>', 'password for the external broker').env(
        'VANTAGE_BROKER_PASSWORD',
      ),
    )
    .addOption(
      new Option('-d, --data <dir>', 'data directory: results database, state, signing key')
        .env('VANTAGE_DATA')
        .default('./data'),
    )
    .addOption(
      new Option('--topic-prefix <prefix>', 'MQTT topic prefix shared with the probes')
        .env('VANTAGE_TOPIC_PREFIX')
        .default('vantage/v1'),
    )
    .addOption(
      new Option(
        '--public-url <url>',
        'URL people use to reach this hub, put in notifications and heartbeat ping URLs',
      ).env('VANTAGE_PUBLIC_URL'),
    )
    .addOption(
      new Option(
        '--api-token <token>',
        'bearer token for API routes that show secrets (heartbeat ping URLs, used by `vantage status`); ' +
          'when unset, those routes answer only clients on this machine (loopback, not via a proxy)',
      ).env('VANTAGE_API_TOKEN'),
    )
    .addOption(
      new Option(
        '--remediation <file>',
        'JSON allow-list of the commands that checks may name in remediate[].command ' +
          '(e.g. /etc/vantage/remediation.json); without it, checks can only remediate by webhook',
      ).env('VANTAGE_REMEDIATION'),
    )
    .addOption(
      new Option('--retain-raw <duration>', 'how long raw results are kept (default 7d)').env(
        'VANTAGE_RETAIN_RAW',
      ),
    )
    .addOption(
      new Option(
        '--retain-minutes <duration>',
        'how long minute rollups are kept (default 30d)',
      ).env('VANTAGE_RETAIN_MINUTES'),
    )
    .addOption(
      new Option(
        '--retain-hours <duration>',
        'how long hour rollups are kept; older days keep their day total (default 396d, 13 months)',
      ).env('VANTAGE_RETAIN_HOURS'),
    )
    .addOption(
      new Option('--retain-days <duration>', 'how long day rollups are kept (default forever)').env(
        'VANTAGE_RETAIN_DAYS',
      ),
    )
    .addOption(
      new Option(
        '--retain-incidents <duration>',
        'how long resolved incidents and their timelines are kept (default forever)',
      ).env('VANTAGE_RETAIN_INCIDENTS'),
    )
    .addOption(
      new Option(
        '--retain-notifications <duration>',
        'how long sent notifications and closed dispatch records are kept (default 30d)',
      ).env('VANTAGE_RETAIN_NOTIFICATIONS'),
    )
    .addOption(
      new Option(
        '--artifact-retention <duration>',
        "how long browser runs' screenshots, traces and console logs are kept",
      )
        .env('VANTAGE_ARTIFACT_RETENTION')
        .argParser(parseDurationFlag)
        .default(14 * 86_400_000, '14d'),
    )
    .addOption(
      new Option(
        '--artifact-max-bytes <size>',
        "most space browser runs' artifacts take; past it the oldest runs' go first",
      )
        .env('VANTAGE_ARTIFACT_MAX_BYTES')
        .argParser(parseBytes)
        .default(2 * 1024 ** 3, '2GiB'),
    )
    .addOption(
      new Option(
        '--print-key-fingerprint',
        "print the fingerprint of the hub's signing key (creating the key if --data has none) and exit; " +
          'give it to probes as --hub-key',
      ),
    )
    .addHelpText(
      'after',
      `
The config: with --checks the file is deployed at start (unchanged checks keep their
version, so probes do not reschedule). Without it the hub runs the config it ran last,
kept in --data/deploys/, including what \`vantage deploy\` uploaded since; a data
directory that never had a config is refused (exit 1).

Examples:
  vantage hub --checks ./monitors.ts --data ./data   deploy monitors.ts and run
  vantage hub --data ./data                          resume the last deployed config
  vantage hub --data ./data --print-key-fingerprint  the line probes take as --hub-key
  vantage hub --checks ./monitors.ts --remediation /etc/vantage/remediation.json
                                                     allow remediate[].command to run the listed commands
  vantage hub --data ./data --retain-raw 3d --retain-days 1825d
                                                     keep raw results 3 days and daily history 5 years

Retention: raw results 7d, minute rollups 30d, hour rollups 13 months (396d), day
rollups and incidents forever, sent notifications 30d. Each --retain-* takes a duration
(7d, 12h) or, for days and incidents, "forever"; a coarser grain must be kept at least
as long as a finer one. Pruning runs every minute in small batches.

The --remediation file (hub-local, never deployed):
  { "commands": { "restart-api": { "argv": ["systemctl", "restart", "api"], "timeout": "30s" } } }`,
    )
    .action(async (flags: HubFlags) => {
      if (flags.printKeyFingerprint) {
        mkdirSync(flags.data, { recursive: true })
        process.stdout.write(`${fingerprintOf(loadOrCreateHubKey(flags.data).publicKey)}\n`)
        return
      }
      let security: HubSecurity
      let ops: ReturnType<typeof resolveHubOps>
      try {
        security = resolveHubSecurity(flags)
        ops = resolveHubOps(flags)
      } catch (error) {
        process.stderr.write(`vantage hub: ${(error as Error).message}\n`)
        process.exit(2)
      }
      let retention: Retention
      try {
        retention = parseRetention(flags)
      } catch (error) {
        if (!(error instanceof RetentionError)) throw error
        process.stderr.write(error.errors.map((e) => `vantage hub: ${e}\n`).join(''))
        process.exit(2)
      }
      let remediationCommands: Map<string, RemediationCommand> | undefined
      if (flags.remediation) {
        try {
          remediationCommands = loadRemediationCommands(flags.remediation)
        } catch (error) {
          if (!(error instanceof RemediationConfigError)) throw error
          process.stderr.write(
            `vantage hub: ${error.file} has ${error.errors.length} error(s); not starting:\n${error.errors.map((e) => `  ${e}`).join('\n')}\n`,
          )
          process.exit(1)
        }
      }
      const ports: PortFlag[] = [{ port: flags.port, host: flags.host, flag: '--port' }]
      if (!flags.broker) ports.push({ port: flags.mqttPort, host: flags.host, flag: '--mqtt-port' })
      await requireFreePorts('hub', ports)
      const lock = claimDataDir('hub', flags.data)
      let config: MonitoringConfig | undefined
      if (flags.checks) {
        const outcome = await loadMonitors(flags.checks)
        process.stderr.write(formatWarnings(outcome.warnings, 'vantage hub: '))
        if (!outcome.ok) {
          process.stderr.write(
            `vantage hub: ${flags.checks} has ${outcome.errors.length} error(s); not starting:\n${outcome.errors.map((e) => `  ${e}`).join('\n')}\n`,
          )
          process.exit(1)
        }
        config = outcome.config
      }
      const logger = createLogger('hub')
      let hub: RunningHub
      try {
        hub = await startHub({
          config,
          source: flags.checks ?? 'resumed',
          dataDir: flags.data,
          port: flags.port,
          host: flags.host,
          mqttPort: flags.mqttPort,
          brokerUrl: flags.broker,
          brokerUsername: flags.brokerUsername,
          brokerPassword: flags.brokerPassword,
          topicPrefix: flags.topicPrefix,
          publicUrl: flags.publicUrl,
          apiToken: flags.apiToken,
          insecureDemo: security.insecureDemo,
          mqttTls: security.mqttTls,
          remediationCommands,
          retention,
          artifacts: { retentionMs: flags.artifactRetention, maxBytes: flags.artifactMaxBytes },
          ...ops,
          logger,
        })
      } catch (error) {
        exitIfPortTaken('hub', error, ports)
        if (!(error instanceof DeployError)) throw error
        const errors = error.errors.map((e) => `\n  ${e}`).join('')
        process.stderr.write(`vantage hub: ${error.message}; not starting${errors}\n`)
        process.exit(1)
      }
      const running = hub.live.deployed().bundle.version
      process.stdout.write(
        `Vantage hub running: ${hub.live.config().checks.length} checks, config ${running}` +
          `${flags.checks ? '' : ` (resumed from ${flags.data})`}\n` +
          `  status page  ${flags.publicUrl ?? hub.httpUrl}\n` +
          `  MQTT         ${hub.mqttUrl}\n` +
          (flags.broker ? '' : `  MQTT over WS ${hub.httpUrl.replace(/^http/, 'ws')}/mqtt\n`) +
          `  hub key      ${hub.keyFingerprint} (probes: --hub-key with this, or hub-key.pub.pem)\n` +
          (security.insecureDemo && !flags.broker ? `${INSECURE_DEMO_WARNING}\n` : ''),
      )
      onShutdown(async () => {
        logger.info('hub stopping')
        await hub.close()
        lock.release()
      })
    })
  return addHubOpsOptions(addHubSecurityOptions(command))
}
