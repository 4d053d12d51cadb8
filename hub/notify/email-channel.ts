/**
 * The email channel: one message per alert over SMTP, through nodemailer. A server
 * that offers STARTTLS is used with it; `secure: true` is for implicit TLS (port 465).
 * SMTP answers differ from HTTP: 4xx replies are transient (retried), 5xx are
 * permanent (reported, not retried).
 */
import { createTransport } from 'nodemailer'
import type { ChannelConfig } from '../../checks/validate.ts'
import type { AlertEvent } from '../types.ts'
import { facts, headline, plainText, type PayloadContext } from './alert-text.ts'
import { redact, type SendOptions, type SendOutcome } from './http-delivery.ts'

export type EmailChannel = Extract<ChannelConfig, { type: 'email' }>

/** The message without its envelope: `send` adds the channel's sender and recipients. */
export interface EmailPayload {
  subject: string
  text: string
  html: string
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/**
 * Builds the subject, a plain-text body, and the same facts as a small HTML table.
 *
 * @example
 * buildPayload(fired, { project: 'Acme' }).subject
 * // '[Acme] DOWN: API health (api-health) in 2 regions'
 */
export function buildPayload(event: AlertEvent, ctx: PayloadContext): EmailPayload {
  const title = headline(event)
  const colour = event.type === 'fired' ? '#c62828' : '#2e7d32'
  const rows = facts(event, ctx)
    .map(([label, value]) => {
      const shown =
        label === 'Status'
          ? `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>`
          : escapeHtml(value)
      return `<tr><th align="left">${escapeHtml(label)}</th><td>${shown}</td></tr>`
    })
    .join('')
  return {
    subject: `[${ctx.project}] ${title}`,
    text: `${plainText(event, ctx)}\n`,
    html: `<h2 style="color:${colour}">${escapeHtml(title)}</h2><table>${rows}</table>`,
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
