/**
 * `vantage token create|list|revoke`: per-probe broker credentials, run on the hub
 * host against the hub's data directory. The token is printed once and only its
 * hash is kept (hub/credentials.ts); a running hub picks up changes by itself.
 */
import { mkdirSync } from 'node:fs'
import { Command, InvalidArgumentError, Option } from 'commander'
import { PROBE_ID } from '../checks/wire.ts'
import { removePasswdEntry, setPasswdEntry } from '../hub/broker/mosquitto-passwd.ts'
import {
  createProbeToken,
  credentialsPath,
  HUB_USERNAME,
  readCredentials,
  revokeProbeToken,
} from '../hub/broker/credentials.ts'

interface DataFlags {
  data: string
}

interface CreateFlags extends DataFlags {
  region: string
  rotate?: boolean
  mosquittoPasswd?: string
  json?: boolean
}

interface RevokeFlags extends DataFlags {
  mosquittoPasswd?: string
}

function dataOption(): Option {
  return new Option('-d, --data <dir>', "the hub's data directory (where credentials.json lives)")
    .env('VANTAGE_DATA')
    .default('./data')
}

function mosquittoOption(what: string): Option {
  return new Option('--mosquitto-passwd <file>', what).env('VANTAGE_MOSQUITTO_PASSWD')
}

function parseProbeId(value: string): string {
  if (!PROBE_ID.test(value)) {
    throw new InvalidArgumentError(
      `"${value}" is not a probe id: letters, digits, ".", "_" and "-", up to 64 characters`,
    )
  }
  if (value === HUB_USERNAME)
    throw new InvalidArgumentError(`"${HUB_USERNAME}" is the hub's own name`)
  return value
}

/** Runs `action`, turning a thrown Error into `vantage token: message` and exit code 1. */
function guarded<A extends unknown[]>(action: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      action(...args)
    } catch (error) {
      process.stderr.write(`vantage token: ${(error as Error).message}\n`)
      process.exit(1)
    }
  }
}

/** `vantage token create|list|revoke`. */
export function tokenCommand(): Command {
  const token = new Command('token').description(
    'manage per-probe broker credentials (run on the hub host; the hub stores only hashes)',
  )
  token
    .command('create')
    .description('create a token for a probe and print it once')
    .argument('<kind>', 'what the token is for: probe')
    .argument('<probeId>', 'the probe id, which is also its broker username', parseProbeId)
    .addOption(new Option('--region <name>', 'the region the probe serves').makeOptionMandatory())
    .addOption(dataOption())
    .option('--rotate', 'replace the probe\u2019s existing token (the old one stops working)')
    .addOption(
      mosquittoOption(
        'also add the probe to this Mosquitto password file (see `vantage infra mosquitto`)',
      ),
    )
    .option('--json', 'print {probeId, region, token} as JSON, for scripts')
    .action(
      guarded((kind: string, probeId: string, flags: CreateFlags) => {
        if (kind !== 'probe') throw new Error(`unknown token kind "${kind}"; only "probe" exists`)
        mkdirSync(flags.data, { recursive: true })
        const file = credentialsPath(flags.data)
        const created = createProbeToken(file, {
          probeId,
          region: flags.region,
          rotate: flags.rotate,
        })
        if (flags.mosquittoPasswd) setPasswdEntry(flags.mosquittoPasswd, probeId, created.token)
        if (flags.json) {
          const { token: secret } = created
          process.stdout.write(
            `${JSON.stringify({ probeId, region: flags.region, token: secret })}\n`,
          )
          return
        }
        process.stdout.write(createdText(probeId, flags, file, created))
      }),
    )

  token
    .command('list')
    .description('list the probes that have a token (never the tokens themselves)')
    .addOption(dataOption())
    .action(
      guarded((flags: DataFlags) => {
        const file = credentialsPath(flags.data)
        const probes = Object.values(readCredentials(file).probes)
        if (probes.length === 0) {
          process.stdout.write(
            `No probe tokens in ${file}.\nCreate one with: vantage token create probe <probeId> --region <region>\n`,
          )
          return
        }
        const rows = [
          ['PROBE', 'REGION', 'CREATED'],
          ...probes.map((p) => [p.probeId, p.region, p.createdAt]),
        ]
        const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i]!.length)) + 2)
        for (const [id, region, created] of rows) {
          process.stdout.write(`${id!.padEnd(widths[0]!)}${region!.padEnd(widths[1]!)}${created}\n`)
        }
      }),
    )

  token
    .command('revoke')
    .description('revoke a probe\u2019s token; a running hub disconnects the probe within seconds')
    .argument('<probeId>', 'the probe whose token to revoke', parseProbeId)
    .addOption(dataOption())
    .addOption(mosquittoOption('also remove the probe from this Mosquitto password file'))
    .action(
      guarded((probeId: string, flags: RevokeFlags) => {
        const file = credentialsPath(flags.data)
        const revoked = revokeProbeToken(file, probeId)
        const fromMosquitto = flags.mosquittoPasswd
          ? removePasswdEntry(flags.mosquittoPasswd, probeId)
          : false
        if (!revoked && !fromMosquitto) throw new Error(`probe ${probeId} has no token in ${file}`)
        const lines = revoked
          ? [
              `Revoked the token of probe ${probeId} (region ${revoked.region}, created ${revoked.createdAt}).`,
              'A running hub disconnects the probe within a few seconds and refuses it from now on.',
            ]
          : [`Probe ${probeId} had no token in ${file}.`]
        if (fromMosquitto) lines.push(...mosquittoReload(flags.mosquittoPasswd!, 'removed'))
        process.stdout.write(`${lines.join('\n')}\n`)
      }),
    )
  return token
}

function createdText(
  probeId: string,
  flags: CreateFlags,
  file: string,
  created: ReturnType<typeof createProbeToken>,
): string {
  const { token: secret, replaced } = created
  const lines = [
    `Token for probe ${probeId} (region ${flags.region}). It is shown only this once; the hub keeps only its hash, in ${file}.`,
    '',
    `  ${secret}`,
    '',
    'Start the probe with it (the environment keeps the token out of `ps`):',
    `  VANTAGE_PASSWORD='${secret}' vantage probe --hub mqtt://HUB_HOST:1883 --id ${probeId} --region ${flags.region} --username ${probeId} --hub-key hub-key.pub.pem`,
    `or pass --username ${probeId} --password <token>. A running hub accepts it at once; no restart needed.`,
  ]
  if (replaced) {
    lines.push(`It replaces the token created ${replaced.createdAt}, which no longer works.`)
  }
  if (flags.mosquittoPasswd) lines.push(...mosquittoReload(flags.mosquittoPasswd, 'added'))
  return `${lines.join('\n')}\n`
}

function mosquittoReload(passwd: string, what: 'added' | 'removed'): string[] {
  return [
    `Mosquitto: ${what} the entry in ${passwd}. Mosquitto reads it at start and on SIGHUP:`,
    '  systemctl reload mosquitto   (or: kill -HUP <mosquitto pid>)',
  ]
}
