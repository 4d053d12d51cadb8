/**
 * The Opsgenie channel: the Alert API (https://docs.opsgenie.com/docs/alert-api). The
 * incident id is the alert's `alias`, so a fired alert creates one Opsgenie alert and
 * its resolve closes that one. Opsgenie answers 202 (the request is queued), 400/422
 * for an invalid request, 429 when throttled, and 5xx. Accounts in the EU use
 * `url: 'https://api.eu.opsgenie.com'`.
 */
import type { ChannelConfig } from '../../checks/validate.ts'
import type { AlertEvent } from '../types.ts'
import { facts, headline, plainText, type PayloadContext } from './alert-text.ts'
import { postJson, type SendOptions, type SendOutcome } from './http-delivery.ts'

export type OpsgenieChannel = Extract<ChannelConfig, { type: 'opsgenie' }>

/** The request: where it goes below the API URL, and its body. */
export type OpsgeniePayload =
  | {
      action: 'create'
      path: '/v2/alerts'
      body: {
        message: string
        alias: string
        description: string
        priority: 'P1'
        source: string
        tags: string[]
        details: Record<string, string>
      }
    }
  | { action: 'close'; path: string; body: { source: string; note: string } }

/** Opsgenie rejects messages longer than 130 characters. */
const MESSAGE_LIMIT = 130

/**
 * Builds a create (priority P1) on fired, a close by alias on resolved.
 *
 * @example
 * buildPayload(resolved, ctx).path // '/v2/alerts/01KDX2Q4.../close?identifierType=alias'
 */
export function buildPayload(event: AlertEvent, ctx: PayloadContext): OpsgeniePayload {
  const source = `Vantage (${ctx.project})`
  if (event.type === 'resolved') {
    return {
      action: 'close',
      path: `/v2/alerts/${encodeURIComponent(event.incidentId)}/close?identifierType=alias`,
      body: { source, note: headline(event) },
    }
  }
  return {
    action: 'create',
    path: '/v2/alerts',
    body: {
      message: headline(event).slice(0, MESSAGE_LIMIT),
      alias: event.incidentId,
      description: plainText(event, ctx),
      priority: 'P1',
      source,
      tags: ['vantage', event.checkId],
      details: Object.fromEntries(facts(event, ctx)),
    },
  }
}

/** POSTs the request with the channel's API key. Never throws. */
export function send(
  channel: Pick<OpsgenieChannel, 'apiKey' | 'url'>,
  payload: OpsgeniePayload,
  options: SendOptions = {},
): Promise<SendOutcome> {
  const url = `${channel.url.replace(/\/+$/, '')}${payload.path}`
  const headers = { authorization: `GenieKey ${channel.apiKey}` }
  return postJson(url, JSON.stringify(payload.body), headers, options, [channel.apiKey])
}
