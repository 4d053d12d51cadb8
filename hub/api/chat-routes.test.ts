/**
 * ChatOps over real HTTP against an in-process hub: Slack's signatures (its documented
 * example as a test vector), deny-by-default roles for every role and command, retries
 * that never act twice, Mattermost's token, and a remediation confirmed by its asker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { slackSignature, verifySlackSignature } from '../chatops/slack-signature.ts'
import { ChatAccess, type Role } from '../chatops/chat-access.ts'
import { COMMANDS, type CommandName } from '../chatops/commands.ts'
import { startTestHub, type TestHub } from '../../test/fixtures/test-hub.ts'
import { startWebhookSink, type WebhookSink } from '../../test/fixtures/webhook-sink.ts'
import {
  mattermostCommand,
  slackButton,
  slackCommand,
  TEST_SIGNING_SECRET,
  type SlackUser,
} from '../../test/fixtures/slack-client.ts'
import { waitFor } from '../../test/e2e/processes.ts'

// Slack's worked example, from "Verifying requests from Slack".
const SLACK_EXAMPLE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
}

describe("Slack's v0 signature", () => {
  const at = Number(SLACK_EXAMPLE.timestamp) * 1_000
  const check = (overrides: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
    verifySlackSignature({ ...SLACK_EXAMPLE, nowMs: at, ...overrides })

  it("accepts Slack's documented example", () => {
    expect(check({})).toEqual({ ok: true })
  })

  it('refuses a tampered body, another secret and a malformed signature', () => {
    expect(check({ body: `${SLACK_EXAMPLE.body}&x=1` }).ok).toBe(false)
    expect(check({ secret: 'another' }).ok).toBe(false)
    expect(check({ signature: 'v0=abc' }).ok).toBe(false)
    expect(check({ signature: undefined })).toEqual({
      ok: false,
      reason: 'missing X-Slack-Signature',
    })
  })

  it('refuses a timestamp more than five minutes away, either way', () => {
    expect(check({ nowMs: at + 300_000 }).ok).toBe(true)
    expect(check({ nowMs: at + 301_000 })).toMatchObject({ ok: false })
    expect(check({ nowMs: at - 301_000 }).ok).toBe(false)
    expect(check({ timestamp: 'soon' }).ok).toBe(false)
  })
})

const TEAM = 'T0ACME'
const users: Record<Role | 'none', SlackUser> = {
  none: { team: TEAM, channel: 'C0RANDOM', user: 'U0NOBODY', name: 'nobody' },
  viewer: { team: TEAM, channel: 'C0RANDOM', user: 'U0VIEWER', name: 'vera' },
  operator: { team: TEAM, channel: 'C0OPS', user: 'U0OPERATOR', name: 'otto' },
  admin: { team: TEAM, channel: 'C0RANDOM', user: 'U0ADMIN', name: 'ada' },
}
const MATTERMOST_TOKEN = 'mattermost-test-token'

describe('chat commands', () => {
  let hub: TestHub
  let sink: WebhookSink

  beforeAll(async () => {
    sink = await startWebhookSink()
    hub = await startTestHub(
      {
        defaults: { regions: ['eu-west', 'us-east'] },
        checks: [
          { kind: 'http', id: 'latte', url: 'http://127.0.0.1:9/', tags: ['coffee'] },
          { kind: 'heartbeat', id: 'backup', every: '1d' },
        ],
      },
      {
        remediationCommands: new Map([
          [
            'restart',
            {
              argv: [process.execPath, '-e', 'console.log("restarted")'],
              timeoutMs: 10_000,
              env: {},
            },
          ],
        ]),
        chat: {
          access: ChatAccess.parse({
            grants: [
              { workspace: TEAM, user: 'U0VIEWER', role: 'viewer' },
              { platform: 'slack', workspace: TEAM, channel: 'C0OPS', role: 'operator' },
              { workspace: TEAM, user: 'U0ADMIN', role: 'admin' },
              { workspace: TEAM, user: 'U0EVE', role: 'admin' },
            ],
          }),
          slackSigningSecret: TEST_SIGNING_SECRET,
          mattermostTokens: [MATTERMOST_TOKEN],
          followUpAllowed: (url) => url.startsWith(sink.url),
        },
      },
    )
  })

  afterAll(async () => {
    await hub?.close()
    await sink?.close()
  })

  /** The outcome the event log recorded for the newest command. */
  const lastOutcome = () => hub.ops.events.find({ kinds: ['command'], limit: 1 })[0]!.detail.outcome

  const COMMAND_TEXT: Record<CommandName, string> = {
    help: 'help',
    status: 'status latte',
    incidents: 'incidents',
    slo: 'slo',
    run: 'run latte',
    ack: 'ack 01NOSUCHINCIDENT0000000000',
    silence: 'silence coffee 10m matrix test',
    remediate: 'remediate latte restart',
    confirm: 'confirm 00000000',
    cancel: 'cancel 00000000',
  }

  for (const role of ['none', 'viewer', 'operator', 'admin'] as const) {
    for (const command of Object.keys(COMMANDS) as CommandName[]) {
      const needed = COMMANDS[command].role
      const order = ['none', 'viewer', 'operator', 'admin']
      const allowed = order.indexOf(role) >= order.indexOf(needed)
      it(`${role} ${allowed ? 'may' : 'may not'} ${command}`, async () => {
        const sent = await slackCommand(hub.httpUrl, users[role], COMMAND_TEXT[command], sink.url)
        expect(sent.status).toBe(200)
        expect(lastOutcome() === 'denied').toBe(!allowed)
        if (!allowed) expect(sent.body.text).toMatch(/no access|needs the \w+ role/)
      })
    }
  }

  it('answers status with the check region by region', async () => {
    const sent = await slackCommand(hub.httpUrl, users.viewer, 'status latte', sink.url)
    expect(sent.body.response_type).toBe('ephemeral')
    expect(sent.body.text).toContain('`latte` (http)')
  })

  it('answers a malformed button payload with 400, and keeps serving', async () => {
    for (const payload of [
      'null',
      '[1]',
      '{"type":"block_actions","actions":"x","user":7}',
      'not json',
    ]) {
      const body = new URLSearchParams({ payload }).toString()
      const timestamp = String(Math.floor(Date.now() / 1_000))
      const response = await fetch(`${hub.httpUrl}/chat/slack/interactions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': slackSignature(TEST_SIGNING_SECRET, timestamp, body),
        },
        body,
      })
      expect([200, 400]).toContain(response.status)
    }
    const sent = await slackCommand(hub.httpUrl, users.viewer, 'help', sink.url)
    expect(sent.status).toBe(200)
  })

  it('refuses a bad signature and an old timestamp before doing anything', async () => {
    const before = hub.ops.events.find({ kinds: ['command'] }).length
    const wrong = await slackCommand(hub.httpUrl, users.admin, 'help', sink.url, { secret: 'nope' })
    expect(wrong.status).toBe(401)
    const old = await slackCommand(hub.httpUrl, users.admin, 'help', sink.url, {
      timestamp: Math.floor(Date.now() / 1_000) - 301,
    })
    expect(old.status).toBe(401)
    expect(old.body.error).toMatch(/timestamp/)
    expect(hub.ops.events.find({ kinds: ['command'] })).toHaveLength(before)
  })

  it("never repeats an action on Slack's retry", async () => {
    const first = await slackCommand(
      hub.httpUrl,
      users.operator,
      'silence latte 30m retry test',
      sink.url,
    )
    const retry = await slackCommand(
      hub.httpUrl,
      users.operator,
      'silence latte 30m retry test',
      sink.url,
      {
        triggerId: first.triggerId,
        retryNum: 1,
      },
    )
    expect(retry.body).toEqual(first.body)
    const silences = await (await fetch(`${hub.httpUrl}/api/v1/silences`)).json()
    const made = silences.windows.filter((w: { reason?: string }) => w.reason === 'retry test')
    expect(made).toHaveLength(1)
  })

  it('never repeats a button press that Slack sends again', async () => {
    const press = (who: SlackUser, triggerId?: string, retryNum?: number) =>
      slackButton(hub.httpUrl, who, 'vantage_silence_1h', 'latte', sink.url, {
        triggerId,
        retryNum,
      })
    const first = await press(users.operator)
    await press(users.operator, first.triggerId, 1)
    // A later, distinct press: once it is logged, a repeated one would have been too.
    await press(users.admin)
    const presses = () =>
      hub.ops.events
        .find({ kinds: ['command'] })
        .filter((e) => e.action === 'silence' && String(e.detail.command).includes('alert message'))
    await waitFor('the later press to be logged', () =>
      presses().some((e) => e.actor === 'slack:ada'),
    )
    expect(presses().filter((e) => e.actor === 'slack:otto')).toHaveLength(1)
  })

  it('takes Mattermost commands with the right token only', async () => {
    const wrong = await mattermostCommand(hub.httpUrl, users.viewer, 'status', 'wrong', sink.url)
    expect(wrong.status).toBe(401)
    const right = await mattermostCommand(
      hub.httpUrl,
      users.viewer,
      'remediate latte restart',
      MATTERMOST_TOKEN,
      sink.url,
    )
    expect(right.body.text).toMatch(/needs the admin role; yours here is viewer/)
    const status = await mattermostCommand(
      hub.httpUrl,
      users.viewer,
      'status',
      MATTERMOST_TOKEN,
      sink.url,
    )
    expect(status.body).toMatchObject({ response_type: 'ephemeral' })
  })

  it('runs a remediation only when its asker confirms, then a confirmation run, all logged', async () => {
    const asked = await slackCommand(hub.httpUrl, users.admin, 'remediate latte restart', sink.url)
    const confirm = asked.body.blocks[1].elements[0]
    expect(confirm).toMatchObject({ action_id: 'vantage_remediate_confirm', style: 'danger' })

    // Another admin may not confirm what ada asked for.
    const eve = { ...users.admin, user: 'U0EVE', name: 'eve' }
    const byEve = await slackButton(hub.httpUrl, eve, confirm.action_id, confirm.value, sink.url)
    expect(byEve.status).toBe(200)
    await waitFor('eve to be told it is not hers to confirm', () =>
      sink.received.some((r) => /only ada \(slack\), who asked for it/.test(r.body.text)),
    )

    const pressed = await slackButton(
      hub.httpUrl,
      users.admin,
      confirm.action_id,
      confirm.value,
      sink.url,
    )
    expect(pressed.status).toBe(200)
    await waitFor('the remediation and its confirmation run to be posted', () =>
      sink.received.some((r) => /restart` for `latte`: ok/.test(r.body.text)),
    )
    const posted = sink.received.find((r) => /restart` for `latte`: ok/.test(r.body.text))!.body
      .text
    expect(posted).toContain('restarted')
    expect(posted).toMatch(/Confirmation run: latte: 0 of 2 region\(s\) passed/)
    expect(posted).toContain('no probe online')

    const outcomes = hub.ops.events
      .find({ kinds: ['command'], limit: 4 })
      .map((e) => [e.actor, e.action, e.detail.outcome])
    expect(outcomes).toContainEqual(['slack:eve', 'confirm', 'refused'])
    expect(outcomes).toContainEqual(['slack:ada', 'confirm', 'ok'])
  })
})
