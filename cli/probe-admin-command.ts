/**
 * `vantage probe remove|drain|resume ID`: retire a probe, or take one out of the
 * rotation for maintenance, on a running hub (hub/probes/probe-admin.ts). They talk to
 * the hub's HTTP API, like `vantage ack`, so they run anywhere the API is reachable.
 */
import { Command } from 'commander'
import type { ProbeInfo } from '../hub/probes/probe-info.ts'
import { addHubOptions, failWith, hubClientFor, type HubFlags } from './hub-options.ts'

const path = (id: string, rest = '') => `/api/v1/probes/${encodeURIComponent(id)}${rest}`

/** Adds the subcommands to `vantage probe`. */
export function addProbeAdminCommands(probe: Command): Command {
  probe.addCommand(
    addHubOptions(new Command('remove'))
      .description(
        'retire a probe that is gone: drop it from the pages and resolve its probe alert',
      )
      .argument('<probeId>', 'the probe to retire')
      .addHelpText(
        'after',
        `
The probe must not be online: stop it first. Revoking its token (vantage token revoke)
retires it as well. Its retained status is cleared on the broker, so it does not come
back after a hub restart; if it connects again later, it is listed again.

Exit codes: 0 retired; 1 unknown or online probe, refused token, or no hub.`,
      )
      .action(async (id: string, flags: HubFlags) => {
        const hub = hubClientFor(flags, 'probe remove', 'probes')
        try {
          const { removed } = await hub.delete<{ removed: ProbeInfo }>(path(id))
          process.stdout.write(
            `Retired probe ${id} (${removed.region}, last seen ${new Date(removed.lastSeen).toISOString()}).\n`,
          )
        } catch (error) {
          failWith('probe remove', error)
        }
      }),
  )
  probe.addCommand(
    addHubOptions(new Command('drain'))
      .description(
        'maintenance: the probe runs nothing and its checks go to its region\u2019s other probes; no page',
      )
      .argument('<probeId>', 'the probe to drain')
      .addHelpText(
        'after',
        `
The hub remembers it: a drained probe that restarts is drained again, and stopping it
pages nobody. Undo with: vantage probe resume <probeId>.`,
      )
      .action(async (id: string, flags: HubFlags) => {
        const hub = hubClientFor(flags, 'probe drain', 'probes')
        try {
          const { probe: drained } = await hub.post<{ probe: ProbeInfo }>(path(id, '/drain'), {})
          process.stdout.write(
            `Draining probe ${id} (${drained.region}): it runs nothing until \`vantage probe resume ${id}\`.\n` +
              (drained.state === 'online'
                ? ''
                : 'It is not connected now; it drains as soon as it is back.\n'),
          )
        } catch (error) {
          failWith('probe drain', error)
        }
      }),
  )
  probe.addCommand(
    addHubOptions(new Command('resume'))
      .description('undo `vantage probe drain`: the probe runs its checks again')
      .argument('<probeId>', 'the drained probe')
      .action(async (id: string, flags: HubFlags) => {
        const hub = hubClientFor(flags, 'probe resume', 'probes')
        try {
          await hub.delete<{ probe: ProbeInfo }>(path(id, '/drain'))
          process.stdout.write(`Resumed probe ${id}: it runs its checks again.\n`)
        } catch (error) {
          failWith('probe resume', error)
        }
      }),
  )
  return probe
}
