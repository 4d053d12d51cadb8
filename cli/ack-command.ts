/**
 * `vantage ack INCIDENT_ID`: acknowledges an incident on a running hub, which stops its
 * reminders and escalation and tells the channels that were paged (PagerDuty and
 * Opsgenie acknowledge their own incident too).
 */
import { userInfo } from 'node:os'
import { Command, Option } from 'commander'
import type { IncidentListItem } from '../hub/api/contract.ts'
import { utc } from '../hub/incidents/timeline-text.ts'
import { HubRequestError, type HubClient } from './hub-client.ts'
import { addHubOptions, failWith, hubClientFor, type HubFlags } from './hub-options.ts'
import { formatAcknowledged } from './incidents-format.ts'

interface AckFlags extends HubFlags {
  by: string
  comment?: string
}

/** Who is acknowledging, when --by is not given: the login name, as on-call rotations know it. */
function currentUser(): string {
  if (process.env.USER) return process.env.USER
  try {
    return userInfo().username
  } catch {
    // No passwd entry (e.g. a container running as an arbitrary uid).
    return 'cli'
  }
}

/**
 * Why the hub refused with 409, from the incident itself: who took it and when, or
 * when it resolved. The hub's own words stand when the incident cannot be read.
 */
async function explainConflict(
  hub: HubClient,
  id: string,
  refused: HubRequestError,
): Promise<HubRequestError> {
  try {
    const incident = await hub.get<IncidentListItem>(`/api/v1/incidents/${encodeURIComponent(id)}`)
    if (incident.acked) {
      return new HubRequestError(
        `${id} is already acknowledged by ${incident.acked.by} at ${utc(incident.acked.at)} UTC`,
        409,
      )
    }
    if (incident.end !== null) {
      return new HubRequestError(`${id} is already resolved, at ${utc(incident.end)} UTC`, 409)
    }
  } catch {
    // Fall back to what the hub said.
  }
  return refused
}

/**
 * @example
 * registerAckCommand(program) // vantage ack 01K... --comment "looking at the db"
 */
export function registerAckCommand(program: Command): void {
  program.addCommand(
    addHubOptions(new Command('ack'))
      .description('acknowledge an incident: stops its reminders and escalation')
      .argument('<incident-id>', 'the incident id (from vantage incidents list)')
      .addOption(
        new Option('--by <name>', 'who takes it (default: your login name)').default(
          currentUser(),
          '$USER',
        ),
      )
      .addOption(new Option('--comment <text>', 'a note for the timeline and the channels'))
      .addHelpText(
        'after',
        `
Acknowledging needs the hub's API token, or runs on the hub machine when it has none.
Exit codes: 0 acknowledged; 1 no such incident, already acknowledged or resolved, no
token given, or the hub could not be reached; 3 the hub refused the API token.

Examples:
  vantage ack 01KJM6Q1Z8X4AB5C6D7E8F9G0H --comment "db failover in progress"
  VANTAGE_API_TOKEN=... vantage ack 01KJM6Q1Z8X4AB5C6D7E8F9G0H --hub https://hub.example.com`,
      )
      .action(async (id: string, flags: AckFlags) => {
        const hub = hubClientFor(flags, 'ack', 'incidents')
        try {
          const body = flags.comment ? { by: flags.by, comment: flags.comment } : { by: flags.by }
          const incident = await hub.post<IncidentListItem>(
            `/api/v1/incidents/${encodeURIComponent(id)}/ack`,
            body,
          )
          process.stdout.write(formatAcknowledged(incident))
        } catch (error) {
          const conflict = error instanceof HubRequestError && error.status === 409
          failWith('ack', conflict ? await explainConflict(hub, id, error) : error)
        }
      }),
  )
}
