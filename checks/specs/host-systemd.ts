/** The host.systemd kind: a systemd unit is active. */
import { z } from 'zod'
import { baseFields } from './common.ts'
import { hostFields } from './host-common.ts'

/** systemd's unit name characters; never a leading "-", which systemctl would read as a flag. */
const UNIT_NAME = /^[A-Za-z0-9:_.\\@][A-Za-z0-9:_.\\@-]*$/

export const hostSystemdSpecSchema = z.strictObject({
  ...baseFields,
  ...hostFields,
  kind: z.literal('host.systemd'),
  /** The unit, e.g. `nginx` or `backup.timer`; without a suffix systemd means `.service`. */
  unit: z.string().regex(UNIT_NAME, { error: 'must be a systemd unit name, e.g. nginx.service' }),
})
export type HostSystemdSpec = z.infer<typeof hostSystemdSpecSchema>
