/** `vantage probe`: runs a probe agent that takes its checks from a hub. */
import { hostname } from 'node:os'
import { Command, Option } from 'commander'
import { PROBE_ID } from '../checks/topics.ts'
import { readPublicKey } from '../hub/keys.ts'
import { createLogger } from '../lib/logger.ts'
import { startProbe } from '../probe/agent.ts'
import { parseLabels, parseMqttUrl } from './options.ts'
import { onShutdown } from './shutdown.ts'
import { VERSION } from './version.ts'

interface ProbeFlags {
  hub: string
  id: string
  region: string
  label: Record<string, string>
  data?: string
  hubKey?: string
  username?: string
  password?: string
  topicPrefix: string
  keepalive: string
}

export function probeCommand(): Command {
  return new Command('probe')
    .description(
      'run a probe: receive checks from the hub, run them on schedule, send results back',
    )
    .addOption(
      new Option('--hub <url>', "the hub's MQTT broker, e.g. mqtt://hub.example.com:1883")
        .env('VANTAGE_HUB')
        .makeOptionMandatory()
        .argParser(parseMqttUrl),
    )
    .addOption(
      new Option('--id <probeId>', 'unique probe id, e.g. eu-west-1')
        .env('VANTAGE_PROBE_ID')
        .default(hostname()),
    )
    .addOption(
      new Option('--region <name>', 'the region this probe runs checks for, e.g. eu-west')
        .env('VANTAGE_REGION')
        .makeOptionMandatory(),
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
        '--hub-key <file>',
        "the hub's public key (hub-key.pub.pem from the hub's data dir); bundles that do not verify are rejected",
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
    .action(async (flags: ProbeFlags) => {
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
          hubKey = readPublicKey(flags.hubKey)
        } catch (error) {
          process.stderr.write(
            `vantage probe: cannot read --hub-key ${flags.hubKey}: ${(error as Error).message}\n`,
          )
          process.exit(2)
        }
      }
      const logger = createLogger('probe').child({ probeId: flags.id, region: flags.region })
      const probe = await startProbe({
        hubUrl: flags.hub,
        probeId: flags.id,
        region: flags.region,
        labels: flags.label,
        dataDir: flags.data ?? `./probe-data/${flags.id}`,
        hubKey,
        username: flags.username,
        password: flags.password,
        topicPrefix: flags.topicPrefix,
        keepaliveSec,
        version: VERSION,
        logger,
        onFatal: (error) => {
          process.stderr.write(`vantage probe: ${error.message}\n`)
          void probe.stop().finally(() => process.exit(3))
        },
      })
      process.stdout.write(
        `Vantage probe ${flags.id} (${flags.region}) running against ${flags.hub}\n`,
      )
      onShutdown(() => probe.stop())
    })
}
