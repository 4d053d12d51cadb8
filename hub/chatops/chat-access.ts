/**
 * Who may do what from chat: a hub-local JSON file (`vantage hub --chat-access`) maps
 * workspaces, channels and users to a role. Deny by default: a person no grant names
 * can do nothing, not even read. A person gets the highest role of the grants that
 * match them; `*` (or leaving a field out) matches any.
 *
 * ```json
 * { "grants": [
 *   { "platform": "slack", "workspace": "T0123", "channel": "C0OPS", "role": "operator" },
 *   { "platform": "slack", "workspace": "T0123", "user": "U0ALICE", "role": "admin" },
 *   { "platform": "mattermost", "workspace": "ops-team-id", "role": "viewer" } ] }
 * ```
 *
 * Roles: viewer reads (status, incidents, slo); operator also runs checks, acks and
 * silences; admin also remediates.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { issuesToErrors } from '../../checks/issue-text.ts'

export const ROLES = ['viewer', 'operator', 'admin'] as const
export type Role = (typeof ROLES)[number]
export const PLATFORMS = ['slack', 'mattermost'] as const
export type Platform = (typeof PLATFORMS)[number]

const id = z
  .string()
  .min(1, { error: 'must not be empty; use "*" for any' })
  .max(200)
  .regex(/^[^\s]+$/, { error: 'must be an id without spaces (Slack: T…, C…, U…), or "*"' })

const grantSchema = z.strictObject({
  platform: z.enum([...PLATFORMS, '*']).default('*'),
  /** The Slack team id or Mattermost team id. */
  workspace: id,
  channel: id.default('*'),
  user: id.default('*'),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
})

const fileSchema = z.strictObject({ grants: z.array(grantSchema) })
export type Grant = z.output<typeof grantSchema>

/** Where a chat request comes from. */
export interface ChatIdentity {
  platform: Platform
  workspace: string
  channel: string
  user: string
}

/** A chat access file the hub cannot use; `errors` lists every problem with its path. */
export class ChatAccessError extends Error {
  constructor(
    readonly file: string,
    readonly errors: string[],
  ) {
    super(`${file} has ${errors.length} error(s):\n${errors.map((e) => `  ${e}`).join('\n')}`)
    this.name = 'ChatAccessError'
  }
}

const matchesField = (grant: string, given: string) => grant === '*' || grant === given

export class ChatAccess {
  constructor(readonly grants: readonly Grant[]) {}

  /** Nobody may do anything: the hub without `--chat-access`. */
  static none(): ChatAccess {
    return new ChatAccess([])
  }

  /** @throws ChatAccessError listing every problem */
  static parse(input: unknown, file = 'chat access file'): ChatAccess {
    const parsed = fileSchema.safeParse(input)
    if (!parsed.success) throw new ChatAccessError(file, issuesToErrors(parsed.error.issues, input))
    return new ChatAccess(parsed.data.grants)
  }

  /** @throws ChatAccessError for a missing, unreadable, non-JSON or invalid file */
  static load(path: string): ChatAccess {
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (error) {
      throw new ChatAccessError(path, [`cannot be read: ${(error as Error).message}`])
    }
    let input: unknown
    try {
      input = JSON.parse(text)
    } catch (error) {
      throw new ChatAccessError(path, [`is not valid JSON: ${(error as Error).message}`])
    }
    return ChatAccess.parse(input, path)
  }

  /** The highest role any grant gives this person here, or null: deny. */
  roleOf(who: ChatIdentity): Role | null {
    let best = -1
    for (const grant of this.grants) {
      if (grant.platform !== '*' && grant.platform !== who.platform) continue
      if (!matchesField(grant.workspace, who.workspace)) continue
      if (!matchesField(grant.channel, who.channel)) continue
      if (!matchesField(grant.user, who.user)) continue
      best = Math.max(best, ROLES.indexOf(grant.role))
    }
    return best < 0 ? null : ROLES[best]!
  }
}

/** True when `role` is at least `needed`. */
export function allows(role: Role | null, needed: Role): boolean {
  return role !== null && ROLES.indexOf(role) >= ROLES.indexOf(needed)
}
