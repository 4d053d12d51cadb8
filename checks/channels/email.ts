/**
 * The email channel: one message per alert over SMTP, through nodemailer. A server
 * that offers STARTTLS is used with it; `secure: true` is for implicit TLS (port 465).
 * SMTP answers differ from HTTP: 4xx replies are transient (retried), 5xx are
 * permanent (reported, not retried).
 */
import { createTransport } from 'nodemailer'
import { z } from 'zod'
import type { AlertEvent } from '../alert-event.ts'
import {
  alertsIn,
  facts,
  headline,
  plainText,
  tone,
  type PayloadContext,
  type Tone,
} from './alert-text.ts'
import { channelName, secret } from './config-fields.ts'
import { FALLBACK_RATE_LIMIT, type RateLimit } from './rate-limit.ts'
import { redact, type SendOptions, type SendOutcome } from '../../lib/http-delivery.ts'

export const configSchema = z.strictObject({
  type: z.literal('email'),
  name: channelName,
  smtp: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535),
    /** Implicit TLS, as on port 465. Default false: STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    /** Default: no authentication. */
    user: z.string().min(1).optional(),
    pass: secret('a password').optional(),
  }),
  /** The sender, e.g. `'Vantage <alerts@example.com>'`. */
  from: z.string().min(3),
  /** At least one recipient. */
  to: z.array(z.string().min(3)).min(1, 'list at least one recipient'),
})
export type EmailChannel = z.infer<typeof configSchema>

/** The fallback: the service documents no limit, or a looser one. */
export const rateLimit: RateLimit = FALLBACK_RATE_LIMIT

/** Several alerts may go out as one message. */
export const groupable = true

/** The message without its envelope: `send` adds the channel's sender and recipients. */
export interface EmailPayload {
  subject: string
  text: string
  html: string
  /** Extra headers, e.g. List-Unsubscribe on a status page's subscriber emails. */
  headers?: Record<string, string>
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/** Heading colours for each tone. */
const COLOURS: Record<Tone, string> = {
  down: '#c62828',
  warning: '#ef6c00',
  info: '#1565c0',
  ok: '#2e7d32',
}

function factTable(event: AlertEvent, ctx: PayloadContext): string {
  const rows = facts(event, ctx)
    .map(([label, value]) => {
      const shown =
        label === 'Status'
          ? `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>`
          : escapeHtml(value)
      return `<tr><th align="left">${escapeHtml(label)}</th><td>${shown}</td></tr>`
    })
    .join('')
  return `<table>${rows}</table>`
}

/**
 * Subjects longer than this are cut: mail clients show less, and a group of many
 * alerts would otherwise make a subject of kilobytes.
 */
const SUBJECT_LIMIT = 250

/**
 * Builds the subject, a plain-text body, and the same facts as a small HTML table.
 * A group gets one heading and table per alert.
 *
 * @example
 * buildPayload(fired, { project: 'Acme' }).subject
 * // '[Acme] DOWN: API health (api-health) in eu-west, us-east'
 */
export function buildPayload(event: AlertEvent, ctx: PayloadContext): EmailPayload {
  const title = headline(event)
  const alerts = alertsIn(event)
  const sections =
    alerts.length === 1
      ? factTable(event, ctx)
      : alerts
          .map((alert) => {
            const colour = COLOURS[tone(alert)]
            return `<h3 style="color:${colour}">${escapeHtml(headline(alert))}</h3>${factTable(alert, ctx)}`
          })
          .join('')
  return {
    subject: `[${ctx.project}] ${title}`.slice(0, SUBJECT_LIMIT),
    text: `${plainText(event, ctx)}\n`,
    html: `<h2 style="color:${COLOURS[tone(event)]}">${escapeHtml(title)}</h2>${sections}`,
  }
}

/** Sends the message. Never throws: failures come back with whether they may pass. */
export async function send(
  channel: Pick<EmailChannel, 'smtp' | 'from' | 'to'>,
  payload: EmailPayload,
  { signal, timeoutMs = 10_000 }: SendOptions = {},
): Promise<SendOutcome> {
  const { host, port, secure, user, pass } = channel.smtp
  const transport = createTransport({
    host,
    port,
    secure,
    auth: user ? { user, pass } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  })
  // nodemailer takes no AbortSignal; closing the transport ends the exchange instead.
  const abort = () => transport.close()
  signal?.addEventListener('abort', abort, { once: true })
  try {
    await transport.sendMail({ from: channel.from, to: channel.to, ...payload })
    return { ok: true }
  } catch (err) {
    if (signal?.aborted) return { ok: false, error: 'aborted' }
    const { responseCode, code, message } = err as {
      responseCode?: number
      code?: string
      message?: string
    }
    const detail = redact(message ?? String(err), pass ? [pass] : [])
    if (responseCode !== undefined) {
      return { ok: false, error: `SMTP ${responseCode}: ${detail}`, retryable: responseCode < 500 }
    }
    // No reply code: the connection failed or timed out, which may pass; bad credentials will not.
    return {
      ok: false,
      error: [code, detail].filter(Boolean).join(' '),
      retryable: code !== 'EAUTH',
    }
  } finally {
    signal?.removeEventListener('abort', abort)
    transport.close()
  }
}
