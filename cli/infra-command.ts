/**
 * `vantage infra mosquitto`: the files to run the network on Mosquitto instead of
 * the embedded broker, with the same credentials model and topic rules.
 *
 * Probe passwords cannot be derived from what the hub keeps (SHA-256 hashes of
 * the tokens), so the flow is: this command writes mosquitto.conf, the ACL file
 * and a password file holding the hub's broker user (its password printed once);
 * then each probe's entry is added when its token is made, with
 * `vantage token create probe ID --region R --mosquitto-passwd DIR/passwd`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Command, Option } from 'commander'
import { mosquittoAcl, mosquittoConf } from '../hub/broker/mosquitto-config.ts'
import { readPasswd, setPasswdEntry } from '../hub/broker/mosquitto-passwd.ts'
import {
  credentialsPath,
  HUB_USERNAME,
  newToken,
  readCredentials,
} from '../hub/broker/credentials.ts'
import { parsePort } from './options.ts'
import { systemdCommand } from './infra/systemd-command.ts'

interface MosquittoFlags {
  data: string
  out?: string
  port: number
  bind: string
  topicPrefix: string
  persistence?: string
  tlsCert?: string
  tlsKey?: string
  tlsCa?: string
  rotateHub?: boolean
}

/** `vantage infra mosquitto`. */
export function infraCommand(): Command {
  const infra = new Command('infra').description('generate deployment files')
  infra
    .command('mosquitto')
    .description(
      'write mosquitto.conf, an ACL file and a password file with the hub\u2019s broker user',
    )
    .addOption(
      new Option('-d, --data <dir>', "the hub's data directory (to list probes that have tokens)")
        .env('VANTAGE_DATA')
        .default('./data'),
    )
    .addOption(new Option('-o, --out <dir>', 'where to write the files (default <data>/mosquitto)'))
    .addOption(
      new Option('--port <port>', 'Mosquitto listener port').default(1883).argParser(parsePort),
    )
    .addOption(new Option('--bind <address>', 'Mosquitto listener address').default('0.0.0.0'))
    .addOption(
      new Option('--topic-prefix <prefix>', 'MQTT topic prefix shared by hub and probes')
        .env('VANTAGE_TOPIC_PREFIX')
        .default('vantage/v1'),
    )
    .addOption(
      new Option(
        '--persistence <dir>',
        'keep retained messages across Mosquitto restarts in this directory (Vantage does not need it)',
      ),
    )
    .addOption(new Option('--tls-cert <file>', 'serve MQTT over TLS with this certificate'))
    .addOption(new Option('--tls-key <file>', 'private key of --tls-cert'))
    .addOption(
      new Option(
        '--tls-ca <file>',
        'require client certificates signed by this CA (as well as passwords)',
      ),
    )
    .option('--rotate-hub', 'give the hub\u2019s broker user a new password')
    .action((flags: MosquittoFlags) => {
      if (!!flags.tlsCert !== !!flags.tlsKey || (flags.tlsCa && !flags.tlsCert)) {
        process.stderr.write('vantage infra mosquitto: --tls-cert and --tls-key go together\n')
        process.exit(2)
      }
      process.stdout.write(writeMosquittoFiles(flags))
    })
  infra.addCommand(systemdCommand())
  return infra
}

/** Writes the files and returns what to tell the operator. */
function writeMosquittoFiles(flags: MosquittoFlags): string {
  const out = resolve(flags.out ?? join(flags.data, 'mosquitto'))
  mkdirSync(out, { recursive: true })
  const passwordFile = join(out, 'passwd')
  const aclFile = join(out, 'acl')
  const confFile = join(out, 'mosquitto.conf')
  writeFileSync(
    confFile,
    mosquittoConf({
      port: flags.port,
      bind: flags.bind,
      passwordFile,
      aclFile,
      persistenceDir: flags.persistence && resolve(flags.persistence),
      tls: flags.tlsCert
        ? {
            certfile: resolve(flags.tlsCert),
            keyfile: resolve(flags.tlsKey!),
            cafile: flags.tlsCa && resolve(flags.tlsCa),
          }
        : undefined,
    }),
  )
  writeFileSync(aclFile, mosquittoAcl(flags.topicPrefix))

  const hadHub = readPasswd(passwordFile).has(HUB_USERNAME)
  const hubPassword = hadHub && !flags.rotateHub ? undefined : newToken()
  if (hubPassword) setPasswdEntry(passwordFile, HUB_USERNAME, hubPassword)

  const scheme = flags.tlsCert ? 'mqtts' : 'mqtt'
  const lines = [
    `Wrote Mosquitto files to ${out}:`,
    `  mosquitto.conf  listener ${flags.port} on ${flags.bind}${flags.tlsCert ? ' (TLS)' : ''}, no anonymous clients`,
    '  acl             the Vantage topic rules (pattern lines; %u is the probe id)',
    "  passwd          broker users in Mosquitto's $7$ (PBKDF2-SHA512) format",
    '',
  ]
  if (hubPassword) {
    lines.push(
      `The hub's broker user "${HUB_USERNAME}" has a new password, shown only this once. Start the hub with:`,
      `  vantage hub --broker ${scheme}://MOSQUITTO_HOST:${flags.port} --broker-username ${HUB_USERNAME} --broker-password ${hubPassword} ...`,
      `  (or VANTAGE_BROKER_USERNAME=${HUB_USERNAME} VANTAGE_BROKER_PASSWORD=${hubPassword})`,
    )
  } else {
    lines.push(
      `The hub's broker user "${HUB_USERNAME}" was already in ${passwordFile}; its password is unchanged (--rotate-hub makes a new one).`,
    )
  }
  lines.push(
    '',
    'Probes: Mosquitto cannot use the hashes the hub keeps, so add each probe when you make its token:',
    `  vantage token create probe <probeId> --region <region> --data ${flags.data} --mosquitto-passwd ${passwordFile}`,
  )
  const waiting = probesMissingFrom(passwordFile, flags.data)
  if (waiting.length > 0) {
    lines.push(
      `These probes have a hub token but no Mosquitto entry; re-issue theirs with --rotate: ${waiting.join(', ')}`,
    )
  }
  lines.push(
    '',
    `Run it with: mosquitto -c ${confFile}`,
    `Mosquitto drops root privileges to its own user, which must be able to read the files: chown mosquitto ${passwordFile} ${aclFile}`,
    'After changing tokens, reload it: systemctl reload mosquitto (or kill -HUP <pid>).',
  )
  return `${lines.join('\n')}\n`
}

function probesMissingFrom(passwordFile: string, dataDir: string): string[] {
  const users = readPasswd(passwordFile)
  try {
    return Object.keys(readCredentials(credentialsPath(dataDir)).probes).filter(
      (probeId) => !users.has(probeId),
    )
  } catch {
    return []
  }
}
