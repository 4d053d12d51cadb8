/**
 * The probe's TLS flags (`--ca`, `--cert`, `--key` for mqtts:// and wss://) and
 * what to tell a person whose probe the broker refused.
 */
import { Option, type Command } from 'commander'
import { regionOfToken } from '../lib/probe-token.ts'
import type { MqttConnectionOptions } from '../lib/mqtt-connection.ts'
import { readPem } from './hub-security-options.ts'

export interface ProbeSecurityFlags {
  id: string
  username?: string
  password?: string
  ca?: string
  cert?: string
  key?: string
}

export interface ProbeSecurity {
  username?: string
  password?: string
  tls?: MqttConnectionOptions['tls']
}

/** Adds `--ca`, `--cert` and `--key` to the probe command. */
export function addProbeSecurityOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--ca <file>',
        "CA certificate (PEM) to trust for mqtts:// or wss://, e.g. the hub's own CA",
      ).env('VANTAGE_TLS_CA'),
    )
    .addOption(
      new Option(
        '--cert <file>',
        'client certificate (PEM) for brokers that require one; its CN is the probe id',
      ).env('VANTAGE_TLS_CERT'),
    )
    .addOption(new Option('--key <file>', 'private key (PEM) of --cert').env('VANTAGE_TLS_KEY'))
}

/** Credentials and TLS material for the connection; throws an Error meant for the user. */
export function resolveProbeSecurity(flags: ProbeSecurityFlags): ProbeSecurity {
  if (!!flags.cert !== !!flags.key) throw new Error('--cert and --key go together')
  // The broker knows a probe by its id; a token without a username would be refused.
  const username = flags.username ?? (flags.password ? flags.id : undefined)
  if (username && !flags.password) {
    throw new Error('--username needs --password (or VANTAGE_PASSWORD): the token for this probe')
  }
  const tls =
    flags.ca || flags.cert
      ? {
          ca: flags.ca ? readPem(flags.ca, '--ca') : undefined,
          cert: flags.cert ? readPem(flags.cert, '--cert') : undefined,
          key: flags.key ? readPem(flags.key, '--key') : undefined,
        }
      : undefined
  return { username, password: flags.password, tls }
}

/**
 * Why the token cannot work with `--region`, when the token says which region it is
 * for (tokens made since `vantage token create` put it first); the hub would refuse it.
 */
export function tokenRegionMismatch(security: ProbeSecurity, region: string): string | undefined {
  const tokenRegion = security.password ? regionOfToken(security.password) : undefined
  if (tokenRegion === undefined || tokenRegion === region) return undefined
  const name = security.username ?? 'of this probe'
  return (
    `token ${name} is for region ${tokenRegion}, not ${region}\n` +
    `  start the probe with --region ${tokenRegion}, or make it a token for ${region} on the hub: ` +
    `vantage token create probe ${name} --region ${region} --rotate`
  )
}

/** A next step for a CONNACK refusal, by its return code. */
export function refusalHint(code: number | undefined, probeId: string, region?: string): string {
  const create = `vantage token create probe ${probeId} --region <region>`
  if (code === 2) {
    return (
      `another probe with id ${probeId} is connected to the broker, and an id is for one probe at ` +
      'a time: give this one its own --id (and a token for it). If it is this probe restarted, its ' +
      'old connection should have gone by now.'
    )
  }
  if (code === 4) {
    return (
      `the username or token was not accepted: the username must be the probe id (${probeId}) and ` +
      `the password its token. A revoked or replaced token stays refused; make a new one on the hub with: ${create}`
    )
  }
  if (code === 5) {
    return (
      'the broker wants credentials this probe did not give, or they do not match its id' +
      (region
        ? ` or its region (${region}; \`vantage token list\` on the hub shows the token's)`
        : '') +
      `: pass --username ${probeId} --password <token> (or VANTAGE_PASSWORD); make a token on the hub with: ${create}`
    )
  }
  return 'check the probe id and its credentials'
}
