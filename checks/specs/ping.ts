/** The ping check kind: ICMP echo through the system ping. */
import { z } from 'zod'
import { baseFields, latencyExpectationFields, regionFields } from './common.ts'

export const pingSpecSchema = z.strictObject({
  ...baseFields,
  ...regionFields,
  kind: z.literal('ping'),
  host: z.string().min(1),
  /** Echo requests per run. Default 3. */
  count: z.int().min(1).max(20).default(3),
  expect: z
    .strictObject({
      /** Packet loss above this percentage is `down`. Default 0 (any loss fails). */
      maxLossPercent: z.number().min(0).max(100).default(0),
      /** Average RTT thresholds. */
      ...latencyExpectationFields,
    })
    .default({ maxLossPercent: 0 }),
})
export type PingSpec = z.infer<typeof pingSpecSchema>
