/**
 * The Telegram channel: the Bot API's sendMessage
 * (https://core.telegram.org/bots/api#sendmessage). The bot token sits in the URL path,
 * so it is scrubbed from every error. Telegram answers 200, 400 (e.g. "chat not
 * found"), 403 when the bot was removed from the chat, and 429 with Retry-After.
 */
import { z } from 'zod'
import type { AlertEvent } from '../alert-event.ts'
import { plainText, tone, type PayloadContext, type Tone } from './alert-text.ts'
import { channelName, httpUrl, secret } from './config-fields.ts'
import type { RateLimit } from './rate-limit.ts'
import { postJson, type SendOptions, type SendOutcome } from '../../lib/http-delivery.ts'

export const configSchema = z.strictObject({
  type: z.literal('telegram'),
  name: channelName,
  /** The token BotFather gave (`123456:ABC...`). It is a secret. */
  botToken: secret('a bot token'),
  /** The chat, group or channel id (`-100...`), or `@channelname`. */
  chatId: z.union([z.string().min(1), z.number().int()]),
  /** Default `https://api.telegram.org`. */
  apiUrl: httpUrl.default('https://api.telegram.org'),
})
export type TelegramChannel = z.infer<typeof configSchema>

/**
 * Telegram's bot FAQ allows about 20 messages a minute to one group (and one a second to
 * one chat); alerts usually go to a group, so the tighter figure holds, with a burst of 20.
 */
export const rateLimit: RateLimit = { tokens: 20, perMs: 60_000 }

/** Several alerts may go out as one message. */
export const groupable = true

/** The message without `chat_id`: `send` adds the channel's chat. */
export interface TelegramPayload {
  text: string
  link_preview_options: { is_disabled: boolean }
}

/** Telegram refuses messages longer than 4096 characters. */
const TEXT_LIMIT = 4096

const ICONS: Record<Tone, string> = { down: '🔴', warning: '🟠', info: '🔵', ok: '🟢' }

/**
 * Builds a plain-text message (a group lists each alert); no parse mode, so an error message with `<` or `_` in
 * it cannot break the markup and get the message refused.
 *
 * @example
 * buildPayload(fired, ctx).text.split('\n')[0] // '🔴 DOWN: API health (api-health) in eu-west, us-east'
 */
export function buildPayload(event: AlertEvent, ctx: PayloadContext): TelegramPayload {
  return {
    text: `${ICONS[tone(event)]} ${plainText(event, ctx)}`.slice(0, TEXT_LIMIT),
    link_preview_options: { is_disabled: true },
  }
}

/** POSTs the message to the channel's chat. Never throws. */
export function send(
  channel: Pick<TelegramChannel, 'botToken' | 'chatId' | 'apiUrl'>,
  payload: TelegramPayload,
  options: SendOptions = {},
): Promise<SendOutcome> {
  const url = `${channel.apiUrl.replace(/\/+$/, '')}/bot${channel.botToken}/sendMessage`
  const body = JSON.stringify({ chat_id: channel.chatId, ...payload })
  return postJson(url, body, {}, options, [channel.botToken])
}
