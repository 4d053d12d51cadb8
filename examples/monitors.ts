/**
 * The demo's monitoring project, and an example to copy. The hub loads this file
 * (`vantage hub --checks examples/monitors.ts`); secrets and URLs may come from the
 * hub's environment because the file runs on the hub, never on probes.
 */
import {
  browser,
  channels,
  defineMonitoring,
  heartbeat,
  host,
  http,
  ping,
  statusPage,
  tcp,
} from 'vantage-monitoring'

const target = process.env.VANTAGE_DEMO_TARGET ?? 'http://127.0.0.1:8081'
const webhookUrl = process.env.VANTAGE_WEBHOOK_URL

export default defineMonitoring({
  project: 'Vantage demo',
  defaults: {
    regions: ['eu-west', 'us-east', 'ap-south'],
    every: '10s',
    timeout: '5s',
    // Two regions (the default majority of three) must each fail twice in a row before
    // anyone is paged; the first failure asks the other regions to confirm at once.
    alert: { failAfter: 2, recoverAfter: 2 },
  },
  channels: [
    channels.console(),
    ...(webhookUrl ? [channels.webhook('ops-webhook', { url: webhookUrl })] : []),
  ],
  // Alerts of checks with the same tags that fire within 2 s go out as one message.
  alerting: { groupWait: '2s' },
  routes: [
    // Demo checks remind every 30 s until acknowledged: `vantage ack <incident id>`.
    {
      match: { tags: ['demo'] },
      channels: ['console', ...(webhookUrl ? ['ops-webhook'] : [])],
      remindEvery: '30s',
    },
  ],
  // The public page at / and /status/public: components, not checks, and no internals.
  // The full per-check view with probes is /internal.
  statusPages: [
    statusPage('public', {
      title: 'Vantage demo status',
      description: 'Live status of the demo services, checked from three regions.',
      home: true,
      components: [
        {
          name: 'API',
          description: 'The REST API and its port',
          checks: ['demo-api', 'demo-port'],
        },
        { name: 'Website', description: 'The home page', checks: ['demo-home'] },
        {
          name: 'Scheduled jobs',
          description: 'The nightly-style cron job',
          checks: ['demo-cron'],
        },
        { name: 'Network', checks: ['loopback'] },
      ],
      groups: [{ name: 'Core services', components: ['API', 'Website'] }],
    }),
  ],
  checks: [
    http('demo-api', {
      name: 'Demo API',
      url: `${target}/health`,
      expect: { status: 200, degradedAbove: '500ms', failAbove: '3s' },
      tags: ['demo', 'api'],
    }),
    http('demo-home', {
      name: 'Demo home page',
      url: `${target}/`,
      every: '15s',
      tags: ['demo', 'web'],
      // While the API is down, the home page's alerts are held back: one page, not two.
      dependsOn: ['demo-api'],
    }),
    ping('loopback', {
      name: 'Loopback ping',
      host: '127.0.0.1',
      every: '30s',
      count: 2,
      tags: ['network'],
    }),
    tcp('demo-port', {
      name: 'Demo API port',
      host: '127.0.0.1',
      port: Number(new URL(target).port),
      every: '30s',
      tags: ['demo', 'network'],
    }),
    // Host checks run on every probe they select (here the demo's three, labelled role=demo),
    // each host its own series: no region quorum.
    host.disk('probe-disk', {
      name: 'Probe disk space',
      on: { labels: { role: 'demo' } },
      path: '/',
      every: '30s',
      tags: ['host'],
    }),
    // A user journey in a real Chromium: open the shop, log in, see the account. The demo
    // runs it from one region (one Chromium is enough on a laptop); while the target is
    // down its incident shows the screenshot of the step that failed. The shop runs on the
    // API, so its alert waits for the API's: one outage pages once.
    browser('demo-shop', {
      name: 'Demo shop journey',
      script: './browser/shop.ts',
      regions: ['eu-west'],
      every: '30s',
      timeout: '30s',
      params: { SHOP_URL: target },
      secrets: ['DEMO_SHOP_PASSWORD'],
      expect: { lcp: { below: '2.5s' } },
      tags: ['demo', 'web'],
      dependsOn: ['demo-api'],
    }),
    // A push monitor: the demo's fake cron job pings it every 30 s, and reports a failure
    // while the API is down (the job needs it, so its alert waits for the API's).
    heartbeat('demo-cron', {
      name: 'Demo cron job',
      every: '30s',
      grace: '10s',
      tags: ['demo', 'jobs'],
      dependsOn: ['demo-api'],
    }),
  ],
})
