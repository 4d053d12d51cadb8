/** The http check kind: request, redirects, expectations. */
import { z } from 'zod'
import { baseFields, latencyExpectationFields, regionFields } from './common.ts'

/** A range of acceptable HTTP status codes, inclusive. */
const statusRangeSchema = z.strictObject({ min: z.int(), max: z.int() })
export const statusExpectationSchema = z.union(
  [z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1), statusRangeSchema],
  { error: 'expected a status code (200), a list ([200, 204]) or a range ({ min: 200, max: 299 })' },
)
export type StatusExpectation = z.infer<typeof statusExpectationSchema>

export const httpSpecSchema = z.strictObject({
  ...baseFields,
  ...regionFields,
  kind: z.literal('http'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  expect: z
    .strictObject({
      status: statusExpectationSchema.default({ min: 200, max: 399 }),
      ...latencyExpectationFields,
    })
    .default({ status: { min: 200, max: 399 } }),
})
export type HttpSpec = z.infer<typeof httpSpecSchema>
