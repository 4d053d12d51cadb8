/**
 * CheckResult: the wire format that probes publish and the hub stores.
 * Times are epoch milliseconds.
 */
import { z } from 'zod'
import { browserReportSchema } from './browser/browser-result.ts'

export const CHECK_STATUSES = ['up', 'degraded', 'down', 'inconclusive'] as const
export const checkStatusSchema = z.enum(CHECK_STATUSES)
export type CheckStatus = z.infer<typeof checkStatusSchema>

export const assertionResultSchema = z.strictObject({
  name: z.string(),
  ok: z.boolean(),
  expected: z.string(),
  actual: z.string(),
})
export type AssertionResult = z.infer<typeof assertionResultSchema>

/** Longest `message` a result may carry; longer text is cut by whoever sets it. */
export const MAX_MESSAGE_LENGTH = 10_240

/** Bounds of `details`: a few short facts per result, not a second payload. */
export const MAX_DETAILS = 16
export const MAX_DETAIL_KEY_LENGTH = 64
/** Long enough for the SAN list of a typical multi-domain certificate; runners cut longer. */
export const MAX_DETAIL_LENGTH = 1_024

/**
 * Cuts a detail to MAX_DETAIL_LENGTH, saying how much was left out.
 * @example boundDetail('DNS:a.example.com, ...') // unchanged when short enough
 */
export function boundDetail(text: string): string {
  if (text.length <= MAX_DETAIL_LENGTH) return text
  const suffix = ` … (${text.length - MAX_DETAIL_LENGTH} more characters)`
  return text.slice(0, MAX_DETAIL_LENGTH - suffix.length) + suffix
}

const epochMs = z.number().int().nonnegative()
const nonNegativeMs = z.number().nonnegative()

export const checkResultSchema = z.strictObject({
  /** ULID, unique per run: the hub stores each id once. */
  id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { error: 'must be a ULID' }),
  checkId: z.string().min(1).max(100),
  kind: z.string().min(1),
  configVersion: z.string(),
  probeId: z.string().min(1),
  region: z.string().min(1),
  scheduledAt: epochMs,
  startedAt: epochMs,
  durationMs: nonNegativeMs,
  status: checkStatusSchema,
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
  phases: z
    .strictObject({
      dnsMs: nonNegativeMs.optional(),
      connectMs: nonNegativeMs.optional(),
      tlsMs: nonNegativeMs.optional(),
      ttfbMs: nonNegativeMs.optional(),
      transferMs: nonNegativeMs.optional(),
    })
    .optional(),
  assertions: z.array(assertionResultSchema),
  metrics: z.record(z.string(), z.number()).optional(),
  /**
   * Facts that are text, not numbers: the TLS certificate's subject, issuer and SANs,
   * the URL a redirect chain ended at. Bounded, because every result carries them.
   */
  details: z
    .record(z.string().max(MAX_DETAIL_KEY_LENGTH), z.string().max(MAX_DETAIL_LENGTH))
    .refine((details) => Object.keys(details).length <= MAX_DETAILS, {
      error: `at most ${MAX_DETAILS} details`,
    })
    .optional(),
  /** Free text the checked thing reported, e.g. the body of a heartbeat ping. At most 10 KiB. */
  message: z.string().max(MAX_MESSAGE_LENGTH).optional(),
  /** A browser check's steps, pages, console and requests (checks/browser/browser-result.ts). */
  browser: browserReportSchema.optional(),
  trigger: z.enum(['schedule', 'confirm', 'manual']),
})
export type CheckResult = z.infer<typeof checkResultSchema>

/** A batch of results as published on `results/{shard}/{probeId}`. */
export const resultBatchSchema = z.strictObject({
  batchId: z.string().min(1).max(64),
  probeId: z.string().min(1),
  region: z.string().min(1),
  sentAt: epochMs,
  results: z.array(checkResultSchema).min(1).max(5_000),
})
export type ResultBatch = z.infer<typeof resultBatchSchema>

/** Stable error codes that results carry in `error.code`. */
export const ERROR_CODES = {
  TIMEOUT: 'TIMEOUT',
  DNS_NXDOMAIN: 'DNS_NXDOMAIN',
  DNS_TIMEOUT: 'DNS_TIMEOUT',
  DNS_SERVFAIL: 'DNS_SERVFAIL',
  DNS_REFUSED: 'DNS_REFUSED',
  CONNECT_REFUSED: 'CONNECT_REFUSED',
  CONNECT_TIMEOUT: 'CONNECT_TIMEOUT',
  CONNECT_RESET: 'CONNECT_RESET',
  TLS_ERROR: 'TLS_ERROR',
  TLS_CERT_EXPIRED: 'TLS_CERT_EXPIRED',
  TLS_CERT_UNTRUSTED: 'TLS_CERT_UNTRUSTED',
  TLS_HOSTNAME_MISMATCH: 'TLS_HOSTNAME_MISMATCH',
  HTTP_STATUS: 'HTTP_STATUS',
  REDIRECT_LOOP: 'REDIRECT_LOOP',
  TOO_MANY_REDIRECTS: 'TOO_MANY_REDIRECTS',
  ASSERTION_FAILED: 'ASSERTION_FAILED',
  NAVIGATION_FAILED: 'NAVIGATION_FAILED',
  SCRIPT_ERROR: 'SCRIPT_ERROR',
  BROWSER_CRASH: 'BROWSER_CRASH',
  BROWSER_BUSY: 'BROWSER_BUSY',
  LATENCY: 'LATENCY',
  PACKET_LOSS: 'PACKET_LOSS',
  CAPABILITY_MISSING: 'CAPABILITY_MISSING',
  RUNNER_BUG: 'RUNNER_BUG',
  PROBE_UNHEALTHY: 'PROBE_UNHEALTHY',
  NETWORK: 'NETWORK',
  HEARTBEAT_MISSED: 'HEARTBEAT_MISSED',
  HEARTBEAT_FAILED: 'HEARTBEAT_FAILED',
  HEARTBEAT_HUNG: 'HEARTBEAT_HUNG',
  HOST_READ_ONLY: 'HOST_READ_ONLY',
  HOST_WRITE_FAILED: 'HOST_WRITE_FAILED',
  HOST_DISK_FULL: 'HOST_DISK_FULL',
  HOST_FS_ERROR: 'HOST_FS_ERROR',
  HOST_FILE_MISSING: 'HOST_FILE_MISSING',
  HOST_FILE_STALE: 'HOST_FILE_STALE',
  HOST_FILE_TOO_SMALL: 'HOST_FILE_TOO_SMALL',
  HOST_PROCESS_COUNT: 'HOST_PROCESS_COUNT',
  HOST_UNIT_INACTIVE: 'HOST_UNIT_INACTIVE',
  HOST_PORT_CLOSED: 'HOST_PORT_CLOSED',
  HOST_COMMAND_WARNING: 'HOST_COMMAND_WARNING',
  HOST_COMMAND_CRITICAL: 'HOST_COMMAND_CRITICAL',
  HOST_COMMAND_UNKNOWN: 'HOST_COMMAND_UNKNOWN',
  HOST_COMMAND_FAILED: 'HOST_COMMAND_FAILED',
} as const
