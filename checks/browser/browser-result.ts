/**
 * What a browser check's result carries beyond the common fields (`browser` in
 * checks/result.ts): its steps, each page's Web Vitals, console errors, failed
 * requests and the artifacts that went to the hub on their own path. Every list is
 * capped and every text cut: a result travels with hundreds of others in a batch and
 * is kept for weeks, so it says what happened in a few KiB and the artifacts hold the
 * rest.
 */
import { z } from 'zod'
import { VITAL_NAMES } from './vitals.ts'

export const MAX_REPORTED_STEPS = 25
export const MAX_REPORTED_PAGES = 5
/** Console errors and failed requests: how many are quoted, beside the counts. */
export const MAX_SAMPLES = 3
export const MAX_SAMPLE_LENGTH = 300
export const MAX_ARTIFACT_FILES = 12

const count = z.int().nonnegative()
const sample = z.string().max(MAX_SAMPLE_LENGTH)

export const ARTIFACT_TYPES = ['screenshot', 'trace', 'log'] as const
export type ArtifactType = (typeof ARTIFACT_TYPES)[number]

/** Artifact file names: they become URL segments and file names on the hub. */
export const ARTIFACT_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/

export const stepReportSchema = z.strictObject({
  name: z.string().max(120),
  durationMs: z.number().nonnegative(),
  status: z.enum(['passed', 'failed']),
  /** The screenshot taken when the step failed, if any. */
  screenshot: z.string().regex(ARTIFACT_NAME).optional(),
})
export type StepReport = z.infer<typeof stepReportSchema>

const ratedSchema = z.strictObject({
  value: z.number().nonnegative(),
  rating: z.enum(['good', 'needs-improvement', 'poor']),
})

export const pageReportSchema = z.strictObject({
  url: sample,
  vitals: z.strictObject(
    Object.fromEntries(VITAL_NAMES.map((name) => [name, ratedSchema.optional()])) as Record<
      (typeof VITAL_NAMES)[number],
      z.ZodOptional<typeof ratedSchema>
    >,
  ),
})
export type PageReport = z.infer<typeof pageReportSchema>

export const artifactFileSchema = z.strictObject({
  name: z.string().regex(ARTIFACT_NAME),
  type: z.enum(ARTIFACT_TYPES),
  bytes: count,
})
export type ArtifactFile = z.infer<typeof artifactFileSchema>

export const browserReportSchema = z.strictObject({
  /** Attempts made: 1, or more when `retries` let a failed attempt run again. */
  attempts: z.int().min(1).max(4),
  steps: z.array(stepReportSchema).max(MAX_REPORTED_STEPS),
  /** Steps past the cap, counted but not listed. */
  moreSteps: count.optional(),
  pages: z.array(pageReportSchema).max(MAX_REPORTED_PAGES),
  console: z.strictObject({
    errors: count,
    pageErrors: count,
    first: z.array(sample).max(MAX_SAMPLES),
  }),
  requests: z.strictObject({
    total: count,
    failed: count,
    firstFailed: z.array(sample).max(MAX_SAMPLES),
    transferBytes: count,
  }),
  /** Files kept for this run; they reach the hub apart from the result. */
  artifacts: z.array(artifactFileSchema).max(MAX_ARTIFACT_FILES),
})
export type BrowserReport = z.infer<typeof browserReportSchema>

/** Cuts a quoted text to MAX_SAMPLE_LENGTH. */
export function sampleText(text: string): string {
  return text.length <= MAX_SAMPLE_LENGTH ? text : `${text.slice(0, MAX_SAMPLE_LENGTH - 1)}…`
}
