/**
 * CheckSpec: the validated, defaults-applied form of every check. It is what the
 * hub stores, what goes into the probe bundle and what runners receive.
 * A discriminated union on `kind`; each kind adds its own fields to the common ones.
 */
import { z } from 'zod'
import { httpSpecSchema } from './specs/http.ts'
import { pingSpecSchema } from './specs/ping.ts'

export { alertPolicySchema, durationSchema, type AlertPolicy } from './specs/common.ts'
export {
  httpSpecSchema,
  statusExpectationSchema,
  type HttpSpec,
  type StatusExpectation,
} from './specs/http.ts'
export { pingSpecSchema, type PingSpec } from './specs/ping.ts'

export const checkSpecSchema = z.discriminatedUnion('kind', [httpSpecSchema, pingSpecSchema])
export type CheckSpec = z.infer<typeof checkSpecSchema>
export type CheckKind = CheckSpec['kind']
export type SpecOf<K extends CheckKind> = Extract<CheckSpec, { kind: K }>

/** The quorum in force for a check: its own, or min(2, number of regions). */
export function effectiveQuorum(spec: Pick<CheckSpec, 'alert' | 'regions'>): number {
  const regions = spec.regions.length
  return Math.min(spec.alert.quorum ?? Math.min(2, regions), regions)
}
