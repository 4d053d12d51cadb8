import { afterEach, describe, expect, it } from 'vitest'
import {
  acknowledged,
  ctx,
  degraded,
  escalated,
  fired,
  group,
  resolved,
} from './alert-events.fixture.ts'
import { headline } from './alert-text.ts'
import { buildPayload, send, type EmailChannel } from './email.ts'
import { startSmtp, type SmtpSink } from '../../test/fixtures/smtp-sink.ts'

describe('email payload', () => {
  it('describes a fired alert in the subject, the text and the HTML', () => {
    const payload = buildPayload(fired, ctx)
    expect(payload.subject).toBe('[Acme] DOWN: API health (api-health) in eu-west, us-east')
    expect(payload.text).toBe(
      [
        'DOWN: API health (api-health) in eu-west, us-east',
        '',
        'Check: api-health',
        'State: DOWN',
        'Regions: eu-west, us-east',
        'Quorum: 2',
        'Error: CONNECT_REFUSED connect ECONNREFUSED 127.0.0.1:8081',
        'Project: Acme',
        'At: 2026-01-01T00:02:00.000Z',
        'Status: https://status.example.com/status/main',
        '',
      ].join('\n'),
    )
    expect(payload.html).toContain('<th align="left">Error</th><td>CONNECT_REFUSED connect')
    expect(payload.html).toContain(
      '<a href="https://status.example.com/status/main">https://status.example.com/status/main</a>',
    )
  })

  it('describes a resolved alert', () => {
    const payload = buildPayload(resolved, { project: 'Acme' })
    expect(payload.subject).toBe('[Acme] RESOLVED: API health (api-health) after 2m30s')
    expect(payload.text).toContain('Duration: 2m30s')
    expect(payload.text).not.toContain('Status:')
  })

  it('escapes HTML from an error message', () => {
    const event = { ...fired, firstError: { code: 'BODY', message: '<script>x</script>' } }
    expect(buildPayload(event, ctx).html).toContain('&lt;script&gt;x&lt;/script&gt;')
  })
})

describe('email payload for every event type', () => {
  it.each([
    [escalated, '#c62828'],
    [degraded, '#ef6c00'],
    [acknowledged, '#1565c0'],
  ])('puts the headline of %j in the subject and a coloured heading', (event, colour) => {
    const payload = buildPayload(event, ctx)
    expect(payload.subject).toBe(`[Acme] ${headline(event)}`)
    expect(payload.html).toMatch(new RegExp(`^<h2 style="color:${colour}">`))
  })

  it('gives each alert of a group a heading and a table, and cuts a long subject', () => {
    const payload = buildPayload(group, ctx)
    expect(payload.subject).toBe(`[Acme] ${headline(group)}`)
    expect(payload.html.match(/<h3 /g)).toHaveLength(3)
    expect(payload.html.match(/<table>/g)).toHaveLength(3)
    expect(payload.html).toContain('<h3 style="color:#c62828">DOWN: Shop (shop) in eu-west</h3>')
    expect(payload.text).toContain('DOWN: login in us-east\nCheck: login')
    const many = { ...fired, grouped: Array.from({ length: 20 }, () => fired) }
    expect(buildPayload(many, ctx).subject).toHaveLength(250)
  })
})

function channelFor(smtp: SmtpSink, auth: Partial<EmailChannel['smtp']> = {}): EmailChannel {
  return {
    type: 'email',
    name: 'mail',
    smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ...auth },
    from: 'Vantage <alerts@example.com>',
    to: ['oncall@example.com', 'lead@example.com'],
  }
}

describe('email send', () => {
  const servers: SmtpSink[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })
  async function smtp(options: Parameters<typeof startSmtp>[0] = {}) {
    const server = await startSmtp(options)
    servers.push(server)
    return server
  }

  it('delivers the message to a real SMTP server', async () => {
    const server = await smtp()
    const outcome = await send(channelFor(server), buildPayload(fired, ctx))

    expect(outcome).toEqual({ ok: true })
    expect(server.messages).toHaveLength(1)
    const [message] = server.messages
    expect(message!.from).toBe('alerts@example.com')
    expect(message!.to).toEqual(['oncall@example.com', 'lead@example.com'])
    expect(message!.data).toContain(
      'Subject: [Acme] DOWN: API health (api-health) in eu-west, us-east',
    )
    expect(message!.data).toContain('To: oncall@example.com, lead@example.com')
    expect(message!.data).toContain('Check: api-health')
    expect(message!.data).toContain('Error: CONNECT_REFUSED connect ECONNREFUSED 127.0.0.1:8081')
    expect(message!.data).toContain('Content-Type: text/html')
  })

  it('logs in when given credentials, and keeps the password out of errors', async () => {
    const server = await smtp({ auth: true })
    const good = await send(
      channelFor(server, { user: 'vantage', pass: 'smtp-pass' }),
      buildPayload(fired, ctx),
    )
    expect(good).toEqual({ ok: true })
    expect(server.messages[0]!.user).toBe('vantage')

    const bad = await send(
      channelFor(server, { user: 'vantage', pass: 'wrong-pass' }),
      buildPayload(fired, ctx),
    )
    expect(bad).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/535/) })
    expect(bad.error).not.toContain('wrong-pass')
  })

  it.each([
    [450, true],
    [550, false],
  ])('reports an SMTP %i reply, retryable: %s', async (code, retryable) => {
    const server = await smtp({ reject: code })
    const outcome = await send(channelFor(server), buildPayload(fired, ctx))
    expect(outcome).toMatchObject({ ok: false, retryable })
    expect(outcome.error).toMatch(new RegExp(`^SMTP ${code}: `))
    expect(server.messages).toEqual([])
  })
})
