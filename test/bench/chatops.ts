/**
 * `npm run bench:chatops [-- N]`: how fast a hub answers chat commands. A hub and three
 * probe processes on loopback, Slack played by signed slash commands; N commands
 * (default 200) are sent at once, a mix of status, status <check>, incidents, help and
 * slo from an operator and a viewer, and each answer is timed from signing the request to
 * reading the reply. Slack shows an error when an answer takes over 3 s, so the goal is
 * a p99 under 3 s; also "run <check>": the time to the immediate answer, and to the
 * per-region table posted to the response URL.
 *
 * Loopback only; one burst, bounded by N.
 */
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { slackCommand, TEST_SIGNING_SECRET } from '../fixtures/slack-client.ts'
import { startWebhookSink } from '../fixtures/webhook-sink.ts'
import { REGIONS, startNetwork } from '../e2e/network.ts'
import { waitFor } from '../e2e/processes.ts'

const BURST = Number(process.argv[2] ?? process.env.BENCH_N ?? 200)
const SLACK_LIMIT_MS = 3_000
const TEAM = 'T0ACME'
const operator = { team: TEAM, channel: 'C0OPS', user: 'U0OTTO', name: 'otto' }
const viewer = { team: TEAM, channel: 'C0LOBBY', user: 'U0VERA', name: 'vera' }

if (!Number.isInteger(BURST) || BURST < 1 || BURST > 5_000) {
  console.error(`usage: npm run bench:chatops [-- N]   (1 <= N <= 5000 commands, got "${BURST}")`)
  process.exit(2)
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

const target = createServer((_request, response) => response.writeHead(200).end('ok'))
await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`
const followUps = await startWebhookSink()
const network = await startNetwork({
  name: 'vantage-bench-chatops-',
  regions: REGIONS,
  monitors: {
    project: 'Bench',
    defaults: { regions: REGIONS, every: '1m', timeout: '2s' },
    channels: [{ type: 'console', name: 'console' }],
    checks: [{ kind: 'http', id: 'latte', url: targetUrl }],
  },
  hubEnv: { VANTAGE_SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET },
  hubArgs: ['--chat-access', accessFile(), '--chat-response-hosts', new URL(followUps.url).host],
})

function accessFile(): string {
  const file = join(process.env.TMPDIR ?? '/tmp', `vantage-bench-chat-access-${process.pid}.json`)
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

try {
  await waitFor('every probe to be online', async () => {
    const probes = await network.getJson('/api/v1/probes')
    return probes.filter((p: { state: string }) => p.state === 'online').length === REGIONS.length
  })

  const asked = performance.now()
  const run = await slackCommand(network.hub.httpUrl, operator, 'run latte', followUps.url)
  await waitFor(
    'the run table',
    () => followUps.received.find((r) => /REGION\s+STATUS/.test(r.body?.text ?? '')),
    30_000,
    20,
  )
  const tableMs = performance.now() - asked

  const texts = ['status', 'status latte', 'incidents', 'help', 'slo']
  const started = performance.now()
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
  const wall = performance.now() - started
  const failed = sent.filter((s) => s.status !== 200).length
  const ms = sent.map((s) => s.ms).sort((a, b) => a - b)
  const p99 = percentile(ms, 99)
  const [load] = (await import('node:os')).loadavg()

  console.log(
    `bench:chatops  a hub and ${REGIONS.length} probe processes, load average ${load!.toFixed(1)}`,
  )
  console.log('')
  console.log(
    `run latte      immediate answer ${Math.round(run.ms)} ms, region table posted after ${Math.round(tableMs)} ms`,
  )
  console.log(
    `burst          ${BURST} commands at once: p50 ${Math.round(percentile(ms, 50))} ms, p95 ${Math.round(percentile(ms, 95))} ms, p99 ${Math.round(p99)} ms, max ${Math.round(ms.at(-1)!)} ms; all answered in ${Math.round(wall)} ms; ${failed} not 200`,
  )
  console.log(
    `goal           p99 under Slack's ${SLACK_LIMIT_MS} ms: ${p99 < SLACK_LIMIT_MS && failed === 0 ? 'met' : 'NOT MET'}`,
  )
} finally {
  await network.stop()
  await followUps.close()
  await new Promise((resolve) => target.close(resolve))
}
