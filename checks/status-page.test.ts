import { describe, expect, it } from 'vitest'
import { defineMonitoring, http, statusPage } from './index.ts'
import { validateMonitoring } from './validate.ts'

const checks = [
  http('api', { url: 'https://api.example.com/health', regions: ['eu'] }),
  http('web', { url: 'https://www.example.com/', regions: ['eu'] }),
]

describe('statusPage', () => {
  it('validates a page and fills its defaults', () => {
    const outcome = validateMonitoring(
      defineMonitoring({
        checks,
        statusPages: [
          statusPage('public', {
            title: 'Acme status',
            home: true,
            components: [
              { name: 'Public API', checks: ['api'] },
              { name: 'Website', description: 'www', checks: ['web', 'api'] },
            ],
            groups: [{ name: 'Core', components: ['public-api', 'Website'] }],
          }),
        ],
      }),
    )
    expect(outcome.ok).toBe(true)
    if (!outcome.ok) return
    const [page] = outcome.config.statusPages!
    expect(page).toMatchObject({
      slug: 'public',
      access: 'public',
      incidents: 'auto',
      show: { targets: false, probes: false, errorCodes: false },
      groups: [{ name: 'Core', collapsed: false }],
    })
  })

  it('lists every problem with its path', () => {
    const outcome = validateMonitoring({
      checks,
      channels: [{ type: 'console', name: 'console' }],
      statusPages: [
        statusPage('Bad Slug', { title: 'x', components: [{ name: 'A', checks: ['api'] }] }),
        statusPage('ok', {
          title: 'ok',
          home: true,
          components: [
            { name: 'A', checks: ['nope'] },
            { name: 'a', checks: ['api'] },
          ],
          groups: [{ name: 'G', components: ['missing'] }],
          subscriptions: { email: { channel: 'console' } },
        }),
        statusPage('ok', {
          title: 'again',
          home: true,
          access: 'private',
          components: [{ name: 'B', checks: ['web'] }],
        }),
      ],
    })
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.errors).toEqual([
      expect.stringMatching(/^statusPages\[0\]\.slug: use lower-case letters/),
      'statusPages[1].components[0].checks[0]: no check with id "nope"',
      'statusPages[1].components[1]: id "a" is used by components[0] too; give one an id',
      'statusPages[1].groups[0].components[0]: no component with id or name "missing"',
      'statusPages[1].subscriptions.email.channel: "console" is a console channel; name an email channel',
      'statusPages[2].slug: "ok" is used by statusPages[1] too',
      'statusPages[2].home: statusPages[1] is the home page already; only one can be',
      "statusPages[2].home: a private page cannot be the hub's public home page",
    ])
  })

  it('says what a page needs when it is not a list', () => {
    const outcome = validateMonitoring({ checks, statusPages: { slug: 'x' } })
    expect(outcome).toEqual({
      ok: false,
      errors: ["statusPages: expected a list, e.g. [statusPage('public', { ... })]"],
    })
  })
})
