/**
 * ChatOps with real processes: a hub and three probe processes, Slack played by signed
 * requests, and loopback sinks standing in for Slack's response URLs, a Slack incoming
 * webhook, PagerDuty and Opsgenie.
 *
 * - "run latte" fans out to every region and posts the per-region table within the
 *   check's timeout + 2 s; `vantage run latte` prints the same table;
 * - a burst of 200 commands is answered, each correctly (how fast: `npm run bench:chatops`);
 * - "ack" from chat reaches PagerDuty and Opsgenie, as `vantage ack` does, and the alert
 *   message in Slack carries Ack and Silence 1h buttons that work;
 * - the event log and the incident report show what was done, by whom.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { slackButton, slackCommand, TEST_SIGNING_SECRET } from '../fixtures/slack-client.ts'
import { startWebhookSink, type WebhookSink } from '../fixtures/webhook-sink.ts'
import { REGIONS, startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../../bin/vantage.js', import.meta.url))
const TEAM = 'T0ACME'
const operator = { team: TEAM, channel: 'C0OPS', user: 'U0OTTO', name: 'otto' }
const viewer = { team: TEAM, channel: 'C0LOBBY', user: 'U0VERA', name: 'vera' }
/** The check's timeout, which bounds how long a run may take. */
const TIMEOUT_MS = 2_000
const BURST = 200

/**
 * Runs the CLI without blocking: the target and the sinks live in this process, and a
 * blocked event loop would make them look down.
 */
function vantage(
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [VANTAGE_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve) =>
    child.once('close', (status) => resolve({ status, stdout, stderr })),
  )
}

describe('chat commands against a running network', () => {
  let target: Server
  let healthy = true
  let followUps: WebhookSink
  let slackChannel: WebhookSink
  let pagerduty: WebhookSink
  let opsgenie: WebhookSink
  let network: Network

  beforeAll(async () => {
    target = createServer((_request, response) => {
      response.writeHead(healthy ? 200 : 503).end(healthy ? 'ok' : 'down')
    })
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`
    ;[followUps, slackChannel, pagerduty, opsgenie] = await Promise.all([
      startWebhookSink(),
      startWebhookSink(),
      startWebhookSink(),
      startWebhookSink(),
    ])
    network = await startNetwork({
      name: 'vantage-chatops-',
      regions: REGIONS,
      monitors: {
        project: 'E2E',
        defaults: { regions: REGIONS, every: '1m', timeout: `${TIMEOUT_MS}ms` },
        alerting: { groupWait: '0s' },
        channels: [
          { type: 'slack', name: 'team', webhookUrl: slackChannel.url },
          { type: 'pagerduty', name: 'oncall', routingKey: 'test-routing-key', url: pagerduty.url },
          { type: 'opsgenie', name: 'genie', apiKey: 'test-api-key', url: opsgenie.url },
        ],
        checks: [{ kind: 'http', id: 'latte', url, alert: { failAfter: 1, recoverAfter: 1 } }],
      },
      hubEnv: { VANTAGE_SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET },
      hubArgs: [
        '--chat-access',
        writeAccessFile(),
        '--chat-response-hosts',
        new URL(followUps.url).host,
      ],
    })
    await waitFor('every probe to be online', async () => {
      const probes = await network.getJson('/api/v1/probes')
      return probes.filter((p: { state: string }) => p.state === 'online').length === REGIONS.length
    })

    function writeAccessFile(): string {
      const file = join(process.env.TMPDIR ?? '/tmp', `vantage-chat-access-${process.pid}.json`)
      writeFileSync(
        file,
        JSON.stringify({
          grants: [
            { platform: 'slack', workspace: TEAM, channel: 'C0OPS', role: 'operator' },
            { platform: 'slack', workspace: TEAM, user: 'U0VERA', role: 'viewer' },
          ],
        }),
      )
      return file
    }
  }, 120_000)

  afterAll(async () => {
    await network?.stop()
    await Promise.all([followUps, slackChannel, pagerduty, opsgenie].map((sink) => sink?.close()))
    await new Promise((resolve) => target?.close(resolve))
  })

  it('runs latte in every region and posts the table to the response URL', async () => {
    const sent = await slackCommand(network.hub.httpUrl, operator, 'run latte', followUps.url)
    expect(sent.status).toBe(200)
    expect(sent.body.text).toContain('otto asked to run `latte` in every region now')
    const table = await waitFor(
      'the run table',
      () => followUps.received.find((r) => /REGION\s+STATUS/.test(r.body.text))?.body.text,
      // The hub posts the table by the check's timeout + 2 s; the rest is room for a loaded machine.
      TIMEOUT_MS + 2_000 + 20_000,
      50,
    )
    for (const region of REGIONS)
      expect(table).toMatch(new RegExp(`${region}\\s+up\\s+\\d+ms\\s+${region}-1`))
    expect(table).toContain('latte: 3 of 3 region(s) passed')
  })

  it('prints the same table from vantage run', async () => {
    const run = await vantage(['run', 'latte', '--hub', network.hub.httpUrl])
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0)
    expect(run.stdout).toMatch(/^latte: 3 of 3 region\(s\) passed/)
    expect(run.stdout).toMatch(/REGION\s+STATUS\s+LATENCY\s+PROBE\s+ERROR/)
    for (const region of REGIONS) expect(run.stdout).toMatch(new RegExp(`${region}\\s+up`))
  })

  it(`answers a burst of ${BURST} commands, each one correctly`, async () => {
    const texts = ['status', 'status latte', 'incidents', 'help', 'slo']
    const sent = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        slackCommand(
          network.hub.httpUrl,
          i % 2 ? operator : viewer,
          texts[i % texts.length]!,
          followUps.url,
        ),
      ),
    )
    expect(sent.map((s) => s.status)).toEqual(sent.map(() => 200))
    // Each answer is the one its command asked for, whoever sent it.
    sent.forEach((answer, i) => {
      const text = texts[i % texts.length]!
      if (text === 'help') expect(JSON.stringify(answer.body)).toMatch(/status/)
      if (text === 'status latte') expect(JSON.stringify(answer.body)).toContain('latte')
    })
  })

  it('acks from chat, which reaches PagerDuty and Opsgenie; the alert in Slack has working buttons', async () => {
    healthy = false
    await slackCommand(network.hub.httpUrl, operator, 'run latte', followUps.url)
    const trigger = await waitFor(
      'PagerDuty to be triggered',
      () => pagerduty.received.find((r) => r.body.event_action === 'trigger')?.body,
      20_000,
    )
    const incidentId = trigger.dedup_key as string

    const alert = await waitFor(
      'the alert in the Slack channel',
      () => slackChannel.received.find((r) => r.body.text.includes('DOWN'))?.body,
    )
    const buttons = alert.blocks.at(-1).elements.map((e: { action_id?: string }) => e.action_id)
    expect(buttons).toEqual(['vantage_ack', 'vantage_silence_1h'])

    // A viewer's press is refused like the typed command would be.
    await slackButton(network.hub.httpUrl, viewer, 'vantage_ack', incidentId, followUps.url)
    await waitFor('the refusal', () =>
      followUps.received.some((r) =>
        /`ack` needs the operator role; yours here is viewer/.test(r.body.text),
      ),
    )

    const acked = await slackCommand(
      network.hub.httpUrl,
      operator,
      `ack ${incidentId}`,
      followUps.url,
    )
    expect(acked.body).toMatchObject({ response_type: 'in_channel' })
    expect(acked.body.text).toContain(`otto acknowledged \`${incidentId}\``)
    await waitFor('PagerDuty to hear the ack', () =>
      pagerduty.received.some(
        (r) => r.body.event_action === 'acknowledge' && r.body.dedup_key === incidentId,
      ),
    )
    await waitFor('Opsgenie to hear the ack', () =>
      opsgenie.received.some((r) => r.path.includes(`/v2/alerts/${incidentId}/acknowledge`)),
    )

    await slackButton(network.hub.httpUrl, operator, 'vantage_silence_1h', 'latte', followUps.url)
    await waitFor('the silence', async () => {
      const { windows } = await network.getJson('/api/v1/silences?active=true')
      return windows.some(
        (w: { match: { checks?: string[] }; createdBy: string }) =>
          w.match.checks?.includes('latte') && w.createdBy === 'otto (slack)',
      )
    })

    const events = await vantage(['events', '--check', 'latte', '--hub', network.hub.httpUrl])
    expect(events.status).toBe(0)
    expect(events.stdout).toMatch(/ack\s+acknowledged\s+latte\s+slack:otto/)
    expect(events.stdout).toMatch(/silence\s+created\s+latte\s+slack:otto/)
    expect(events.stdout).toMatch(
      /notification\s+delivered\s+latte\s+hub\s+fired for latte to oncall/,
    )

    const report = await (
      await fetch(`${network.hub.httpUrl}/api/v1/incidents/${incidentId}/report`)
    ).text()
    expect(report).toContain('## Events around this incident')
  })
})
