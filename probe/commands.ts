/**
 * Commands the hub sends to one probe on `probes/{probeId}/commands` (DESIGN.md §3).
 * Today there is one: run a check now, for a confirmation run or a run-now request.
 */
import { z } from 'zod'

export const runCommandSchema = z.object({
  requestId: z.string().min(1),
  type: z.literal('run'),
  checkId: z.string().min(1),
  trigger: z.enum(['confirm', 'manual']),
})
export type RunCommand = z.infer<typeof runCommandSchema>

/** The command in `payload`, or null when it is not JSON or not a valid command. */
export function parseCommand(payload: Buffer): RunCommand | null {
  let json: unknown
  try {
    json = JSON.parse(payload.toString('utf8'))
  } catch {
    return null
  }
  const parsed = runCommandSchema.safeParse(json)
  return parsed.success ? parsed.data : null
}
