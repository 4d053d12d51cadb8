/**
 * The hub's transport-security flags: `--insecure-demo` and TLS for the embedded
 * broker. They live apart from hub-command.ts so that the rules (which flags go
 * together, how the environment is read) sit in one small place.
 */
import { readFileSync } from 'node:fs'
import { Option, type Command } from 'commander'
import type { BrokerTls } from '../hub/broker/embedded-broker.ts'

export interface HubSecurityFlags {
  insecureDemo?: boolean
  mqttTlsCert?: string
  mqttTlsKey?: string
  mqttTlsCa?: string
  broker?: string
}

export interface HubSecurity {
  insecureDemo: boolean
  mqttTls?: BrokerTls
}

export const INSECURE_DEMO_WARNING =
  'WARNING: --insecure-demo: the MQTT broker accepts clients without credentials ' +
  '(each is the probe its client id names). Use it only for a demo on a network you trust.'

/** Adds `--insecure-demo` and `--mqtt-tls-*` to the hub command. */
export function addHubSecurityOptions(command: Command): Command {
  return (
    command
      // No .env(): commander turns any value of a boolean flag's variable, even "0", into true.
      .addOption(
        new Option(
          '--insecure-demo',
          'embedded broker: accept MQTT clients without credentials (demo only; env VANTAGE_INSECURE_DEMO=1)',
        ),
      )
      .addOption(
        new Option(
          '--mqtt-tls-cert <file>',
          'embedded broker: serve MQTT over TLS (mqtts://) with this PEM certificate',
        ).env('VANTAGE_MQTT_TLS_CERT'),
      )
      .addOption(
        new Option('--mqtt-tls-key <file>', 'private key (PEM) for --mqtt-tls-cert').env(
          'VANTAGE_MQTT_TLS_KEY',
        ),
      )
      .addOption(
        new Option(
          '--mqtt-tls-ca <file>',
          'require MQTT clients to present a certificate signed by this CA (PEM); ' +
            'a certificate whose CN is a probe id is that probe\u2019s credential',
        ).env('VANTAGE_MQTT_TLS_CA'),
      )
  )
}

/** Turns the flags into hub options; throws an Error whose message is meant for the user. */
export function resolveHubSecurity(
  flags: HubSecurityFlags,
  env: NodeJS.ProcessEnv = process.env,
): HubSecurity {
  const insecureDemo = flags.insecureDemo === true || parseBooleanEnv(env, 'VANTAGE_INSECURE_DEMO')
  const { mqttTlsCert: cert, mqttTlsKey: key, mqttTlsCa: ca } = flags
  if (!cert && !key && !ca) return { insecureDemo }
  if (!cert || !key) throw new Error('--mqtt-tls-cert and --mqtt-tls-key go together')
  if (flags.broker) {
    throw new Error('--mqtt-tls-* configure the embedded broker; they do nothing with --broker')
  }
  return {
    insecureDemo,
    mqttTls: {
      cert: readPem(cert, '--mqtt-tls-cert'),
      key: readPem(key, '--mqtt-tls-key'),
      ca: ca ? readPem(ca, '--mqtt-tls-ca') : undefined,
    },
  }
}

/** Reads a yes/no environment variable strictly: a typo must not switch security off. */
export function parseBooleanEnv(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name]?.trim().toLowerCase()
  if (value === undefined || ['', '0', 'false', 'no'].includes(value)) return false
  if (['1', 'true', 'yes'].includes(value)) return true
  throw new Error(`${name}="${env[name]}" is not a yes/no value (use 1 or 0)`)
}

/** Reads a PEM file named by a flag, with an error that names the flag. */
export function readPem(file: string, flag: string): Buffer {
  try {
    return readFileSync(file)
  } catch (error) {
    throw new Error(`cannot read ${flag} ${file}: ${(error as Error).message}`)
  }
}
