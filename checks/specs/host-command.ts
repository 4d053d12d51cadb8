/** The host.command kind: a Nagios-compatible plugin, run without a shell unless asked. */
import { z } from 'zod'
import { baseFields } from './common.ts'
import { hostFields } from './host-common.ts'

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
