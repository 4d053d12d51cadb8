/**
 * A chat reply as each platform takes it: Slack's response JSON with Block Kit (a text
 * section and a row of buttons), Mattermost's with Markdown and, since its slash
 * commands have no buttons, the command to type instead.
 */
import type { ChatReply } from './chat-core.ts'

/** Slack caps a section's text at 3,000 characters. */
const SLACK_SECTION_MAX = 3_000

function cut(text: string, max: number): string {
  if (text.length <= max) return text
  // Close an open code block, so the cut does not turn the rest of the channel into code.
  const open = (text.slice(0, max - 20).match(/```/g) ?? []).length % 2 === 1
  return `${text.slice(0, max - 20)}…${open ? '\n```' : ''}`
}

export interface SlackMessage {
  response_type: 'ephemeral' | 'in_channel'
  text: string
  blocks: Record<string, unknown>[]
  replace_original?: boolean
}

export function slackMessage(reply: ChatReply, replaceOriginal?: boolean): SlackMessage {
  const text = cut(reply.text, SLACK_SECTION_MAX)
  const blocks: Record<string, unknown>[] = [{ type: 'section', text: { type: 'mrkdwn', text } }]
  if (reply.buttons?.length) {
    blocks.push({
      type: 'actions',
      elements: reply.buttons.map((button) => ({
        type: 'button',
        action_id: button.actionId,
        text: { type: 'plain_text', text: button.label.slice(0, 75) },
        value: button.value,
        ...(button.style ? { style: button.style } : {}),
      })),
    })
  }
  return {
    response_type: reply.visibility,
    text,
    blocks,
    ...(replaceOriginal === undefined ? {} : { replace_original: replaceOriginal }),
  }
}

export interface MattermostMessage {
  response_type: 'ephemeral' | 'in_channel'
  text: string
}

export function mattermostMessage(reply: ChatReply, slashCommand = '/vantage'): MattermostMessage {
  const typed = (reply.buttons ?? []).map((button) => `\`${slashCommand} ${button.typed}\``)
  const text = typed.length > 0 ? `${reply.text}\nType ${typed.join(' or ')}.` : reply.text
  return { response_type: reply.visibility, text: cut(text, 16_000) }
}
