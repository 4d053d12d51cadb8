/**
 * The host.command kind: a Nagios-compatible plugin, run without a shell unless asked.
 * Its target line is public, so it shows the program only: plugin arguments often
 * carry passwords.
 */
import { basename } from 'node:path'
import { z } from 'zod'
import { baseFields } from './common.ts'
import { hostFields, defineHostKind, type HostCheckProps } from './host-common.ts'
import type { KindInput } from './kind.ts'

export const hostCommandSpecSchema = z
  .strictObject({
    ...baseFields,
    ...hostFields,
    kind: z.literal('host.command'),
    /** Program and arguments, run directly. */
    command: z.array(z.string()).min(1).optional(),
    /** A command line for `/bin/sh -c`, when shell features are needed. */
    shell: z.string().min(1).optional(),
  })
  .refine((spec) => (spec.command === undefined) !== (spec.shell === undefined), {
    error: "give either command (['/usr/lib/nagios/plugins/check_load', '-w', '5']) or shell",
    path: ['command'],
  })
  .refine((spec) => spec.command === undefined || spec.command[0] !== '', {
    error: 'the program (first element) must not be empty',
    path: ['command', 0],
  })
export type HostCommandSpec = z.infer<typeof hostCommandSpecSchema>

/** Give `command` (run directly, no shell) or `shell` (run by /bin/sh -c), not both. */
export type HostCommandProps = HostCheckProps &
  (
    | {
        /** The plugin and its arguments. @example ['/usr/lib/nagios/plugins/check_load', '-w', '5,4,3', '-c', '10,8,6'] */
        command: string[]
        shell?: never
      }
    | {
        /** A command line for /bin/sh, only when shell features are needed. @example 'check_mailq -w 10 -c 50 | head -1' */
        shell: string
        command?: never
      }
  )

/**
 * A Nagios-compatible plugin: exit 0/1/2/3 is up/degraded/down/inconclusive, the first
 * output line is the message and performance data become metrics.
 * @example host.command('load', { on: { labels: { role: 'app' } }, command: ['/usr/lib/nagios/plugins/check_load', '-w', '5', '-c', '10'] })
 */
export function hostCommand(
  id: string,
  props: HostCommandProps,
): KindInput<'host.command', HostCommandProps> {
  return { kind: 'host.command', id, ...props }
}

export const hostCommandKind = defineHostKind({
  schema: hostCommandSpecSchema,
  factory: hostCommand,
  target: (spec) => (spec.command ? `plugin ${basename(spec.command[0] ?? '')}` : 'shell command'),
})
