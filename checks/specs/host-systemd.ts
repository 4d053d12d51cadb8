/** The host.systemd kind: a systemd unit is active. */
import { z } from 'zod'
import { baseFields } from './common.ts'
import { hostFields, defineHostKind, type HostCheckProps } from './host-common.ts'
import type { KindInput } from './kind.ts'

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

export interface HostSystemdProps extends HostCheckProps {
  /** The unit; without a suffix systemd means `.service`. @example 'nginx' */
  unit: string
}

/**
 * A systemd unit is active; inconclusive on probes without systemd.
 * @example host.systemd('nginx', { on: { labels: { role: 'web' } }, unit: 'nginx' })
 */
export function hostSystemd(
  id: string,
  props: HostSystemdProps,
): KindInput<'host.systemd', HostSystemdProps> {
  return { kind: 'host.systemd', id, ...props }
}

export const hostSystemdKind = defineHostKind({
  schema: hostSystemdSpecSchema,
  factory: hostSystemd,
  target: (spec) => `unit ${spec.unit}`,
})
