import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startSmtp, type SmtpSink } from '../../test/fixtures/smtp-sink.ts'
import { demoConfig, statusHub, T0 } from '../../test/fixtures/status-pages.ts'

const TOKEN = 'op-token-123'
let hub: ReturnType<typeof statusHub>
let smtp: SmtpSink | undefined
let server: Server | undefined

afterEach(async () => {
  hub?.close()
  await smtp?.close()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  smtp = server = undefined
})

/** Quoted-printable as nodemailer writes long lines: soft breaks and =XX escapes. */
function decoded(data: string): string {
  return data
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

function withEmail(port: number) {
  const config = demoConfig({ subscriptions: { email: { channel: 'mail' } } })
  config.channels.push({
    type: 'email',
    name: 'mail',
    smtp: { host: '127.0.0.1', port },
    from: 'Acme status <status@example.com>',
    to: ['ops@example.com'],
  } as never)
  return config
}

const form = (body: string) =>
  hub.app.request('/status/public/subscribe', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  })

const incident = (components: string[], title = 'Errors') =>
  hub.pages.pages.createPost({
    page: 'public',
    kind: 'incident',
    title,
    impact: 'major',
    status: 'investigating',
    body: 'Looking into it.',
    components,
    at: hub.clock.now(),
  })

describe('email subscriptions', () => {
  it('confirms by email first, sends only chosen components, and unsubscribes in one click', async () => {
    smtp = await startSmtp()
    hub = statusHub({ config: withEmail(smtp.port) })

    const page = await (await hub.app.request('/status/public')).text()
    expect(page).toContain('action="/status/public/subscribe"')
    expect(page).toContain('name="components" value="website"')

    const answer = await form('email=Reader%40Example.com&components=website')
    expect(answer.status).toBe(200)
    expect(await answer.text()).toContain('Check your inbox')
    await hub.pages.tick()
    expect(smtp.messages).toHaveLength(1)
    const confirmation = decoded(smtp.messages[0]!.data)
    expect(smtp.messages[0]!.to).toEqual(['reader@example.com'])
    expect(confirmation).toContain('Subject: Confirm your subscription to Acme status')
    const confirmUrl =
      /https:\/\/status\.example\.com(\/status\/public\/subscriptions\/confirm\?token=[\w-]+)/.exec(
        confirmation,
      )![1]!

    // Not confirmed yet: nothing is sent, and asking again within minutes sends no second email.
    incident(['website'], 'Before confirming')
    await form('email=reader%40example.com&components=website')
    await hub.pages.tick()
    expect(smtp.messages).toHaveLength(1)

    const confirmed = await hub.app.request(confirmUrl)
    expect(await confirmed.text()).toContain('You are subscribed')

    incident(['api'], 'Only the API')
    incident(['website'], 'Website errors')
    await hub.pages.tick()
    expect(smtp.messages).toHaveLength(2)
    const update = decoded(smtp.messages[1]!.data)
    expect(update).toContain('Subject: [Acme status] Website errors: investigating')
    expect(update).toMatch(
      /List-Unsubscribe: +<https:\/\/status\.example\.com\/status\/public\/subscriptions\/unsubscribe\?token=[\w-]+>/,
    )
    expect(update).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click')
    const unsubscribe =
      /https:\/\/status\.example\.com(\/status\/public\/subscriptions\/unsubscribe\?token=[\w-]+)/.exec(
        update,
      )![1]!

    expect(await (await hub.app.request(unsubscribe)).text()).toContain('Unsubscribe</button>')
    const gone = await hub.app.request(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect(await gone.text()).toContain('Unsubscribed: reader@example.com')
    incident(['website'], 'After leaving')
    await hub.pages.tick()
    expect(smtp.messages).toHaveLength(2)
  })

  it('refuses a bad address clearly and takes no subscriptions without an email channel', async () => {
    smtp = await startSmtp()
    hub = statusHub({ config: withEmail(smtp.port) })
    const bad = await form('email=not-an-address')
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('must be an email address')
    const json = await hub.app.request('/status/public/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@example.com', components: ['nope'] }),
    })
    expect(json.status).toBe(400)
    expect(await json.json()).toMatchObject({ errors: ['components[0]: no component "nope"'] })

    hub.close()
    hub = statusHub({ config: demoConfig() })
    expect((await form('email=a%40example.com')).status).toBe(404)
    expect(await (await hub.app.request('/status/public')).text()).not.toContain('/subscribe"')
  })
})

describe('webhook subscriptions', () => {
  it('signs each update, retries a failing receiver, and logs every attempt', async () => {
    const received: Array<{ headers: IncomingMessage['headers']; body: string }> = []
    let failures = 1
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() })
        res.statusCode = failures-- > 0 ? 500 : 204
        res.end()
      })
    })
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
    hub = statusHub({ config: demoConfig(), apiToken: TOKEN })

    const anonymous = await hub.app.request('/status/public/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    })
    expect(anonymous.status).toBe(401)
    const added = await hub.app.request('/status/public/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ url, components: ['website'] }),
    })
    expect(added.status).toBe(201)
    const { secret } = (await added.json()) as { secret: string }

    const post = incident(['website'])
    await hub.pages.tick()
    expect(received).toHaveLength(1)
    const log = async () =>
      (
        (await (
          await hub.app.request('/api/v1/status-pages/public/deliveries', {
            headers: { authorization: `Bearer ${TOKEN}` },
          })
        ).json()) as { deliveries: Array<Record<string, unknown>> }
      ).deliveries
    expect(await log()).toMatchObject([
      { state: 'pending', attempts: 1, lastStatus: 500, target: url },
    ])

    hub.clock.advance(10_000)
    await hub.pages.tick()
    expect(received).toHaveLength(2)
    expect(await log()).toMatchObject([{ state: 'sent', attempts: 2 }])

    const { headers, body } = received[1]!
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['x-vantage-signature']))!
    expect(Number(t)).toBe(Math.floor((T0 + 10_000) / 1000))
    expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'))
    expect(JSON.parse(body)).toMatchObject({
      page: { id: 'public', name: 'Acme status' },
      incident: { id: post.id, name: 'Errors', status: 'investigating', components: ['website'] },
      update: { status: 'investigating', body: 'Looking into it.' },
    })
  })
})
