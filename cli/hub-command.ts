/** `vantage hub`: runs the hub with its embedded broker, API and status page. */
import { Command, Option } from 'commander'
import { loadMonitors } from '../hub/load-monitors.ts'
import { startHub } from '../hub/hub.ts'
import { createLogger } from '../lib/logger.ts'
import {
  addHubSecurityOptions,
  INSECURE_DEMO_WARNING,
  resolveHubSecurity,
  type HubSecurity,
  type HubSecurityFlags,
} from './hub-security-options.ts'
import { parseMqttUrl, parsePort } from './options.ts'
import { onShutdown } from './shutdown.ts'

interface HubFlags extends HubSecurityFlags {
  checks: string
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
}

export function hubCommand(): Command {
  const command = new Command('hub')
    .description('run the hub: embedded MQTT broker, result store, alerts, API and status page')
    .addOption(
      new Option(
        '-c, --checks <file>',
        'monitors file (TypeScript or JavaScript) whose default export is defineMonitoring(...)',
      )
        .env('VANTAGE_CHECKS')
        .makeOptionMandatory(),
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
    .action(async (flags: HubFlags) => {
      let security: HubSecurity
      try {
        security = resolveHubSecurity(flags)
      } catch (error) {
        process.stderr.write(`vantage hub: ${(error as Error).message}\n`)
        process.exit(2)
      }
      const outcome = await loadMonitors(flags.checks)
      if (!outcome.ok) {
        process.stderr.write(
          `vantage hub: ${flags.checks} has ${outcome.errors.length} error(s); not starting:\n${outcome.errors.map((e) => `  ${e}`).join('\n')}\n`,
        )
        process.exit(1)
      }
      const logger = createLogger('hub')
      const hub = await startHub({
        config: outcome.config,
        source: flags.checks,
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
        logger,
      })
      process.stdout.write(
        `Vantage hub running: ${outcome.config.checks.length} checks, config ${hub.deployed.bundle.version}\n` +
          `  status page  ${flags.publicUrl ?? hub.httpUrl}\n` +
          `  MQTT         ${hub.mqttUrl}\n` +
          (flags.broker ? '' : `  MQTT over WS ${hub.httpUrl.replace(/^http/, 'ws')}/mqtt\n`) +
          (security.insecureDemo && !flags.broker ? `${INSECURE_DEMO_WARNING}\n` : ''),
      )
      onShutdown(async () => {
        logger.info('hub stopping')
        await hub.close()
      })
    })
  return addHubSecurityOptions(command)
}
