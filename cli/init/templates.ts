/**
 * The files `vantage init` writes: a team's own monitoring repository. The monitors
 * file has one check of each kind, aimed at placeholders to swap for real targets;
 * the CI workflow validates and tests on every push and deploys from the main branch.
 */

/** The monitors file: every check kind once, each with the options a first user needs. */
export const MONITORS_TS = `/**
 * Every check Vantage runs for this project, as code. Swap the example targets for
 * your own, then:
 *   npx vantage validate monitors.ts   every error at once, with its path
 *   npx vantage test monitors.ts       run each check once from here
 *   npx vantage deploy monitors.ts     send it to the hub (VANTAGE_HUB_URL, VANTAGE_API_TOKEN)
 * The file runs where it is deployed from (CI), so secrets come from that environment.
 */
import {
  channels,
  defineMonitoring,
  dns,
  heartbeat,
  host,
  http,
  ping,
  tcp,
} from 'vantage-monitoring'

const slackUrl = process.env.SLACK_WEBHOOK_URL

export default defineMonitoring({
  project: 'Example project',
  defaults: {
    // Region names are the --region of your probes.
    regions: ['eu-west', 'us-east', 'ap-south'],
    every: '1m',
    timeout: '10s',
    // Page when two regions each fail twice in a row; one noisy region never pages.
    alert: { failAfter: 2, recoverAfter: 2 },
  },
  channels: [
    channels.console(),
    ...(slackUrl ? [channels.slack('team', { webhookUrl: slackUrl })] : []),
  ],
  checks: [
    // A page or an API: status, body and response time.
    http('website', {
      url: 'https://example.com/',
      expect: { status: 200, degradedAbove: '800ms', failAbove: '5s' },
    }),
    // Reachability and round-trip time (probes need the system ping).
    ping('website-ping', { host: 'example.com', expect: { maxLossPercent: 50 } }),
    // A port that must accept connections.
    tcp('website-https-port', { host: 'example.com', port: 443 }),
    // A DNS record that must keep resolving.
    dns('website-dns', { name: 'example.com', type: 'A' }),
    // A job that calls the hub's ping URL when it runs (see \`npx vantage status\`).
    heartbeat('nightly-backup', { every: '1d', grace: '2h' }),
    // The probe's own machine, on every probe labelled role=app.
    host.disk('app-disk', { on: { labels: { role: 'app' } }, path: '/' }),
    host.readOnly('app-mounts', { on: { labels: { role: 'app' } } }),
  ],
})
`

export const TSCONFIG_JSON = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true
  },
  "include": ["*.ts"]
}
`

export const GITIGNORE = `node_modules/
data/
probe-data/
*.log
.env
`

/** GitHub Actions: any CI that runs Node 20 runs the same three commands. */
export const CI_WORKFLOW = `# Validates and tests the monitors on every push and pull request, and deploys them to
# the hub from the main branch. Set the repository variable VANTAGE_HUB_URL
# (e.g. https://status.example.com) and the secret VANTAGE_API_TOKEN (the hub's
# --api-token). Other CI systems run the same commands.
name: monitoring
on:
  push:
  pull_request:
jobs:
  monitors:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
      - run: npx vantage validate monitors.ts
      - run: npx vantage test monitors.ts
      - run: npx vantage deploy monitors.ts --dry-run
        if: github.ref != 'refs/heads/main'
        env:
          VANTAGE_HUB_URL: \${{ vars.VANTAGE_HUB_URL }}
          VANTAGE_API_TOKEN: \${{ secrets.VANTAGE_API_TOKEN }}
      - run: npx vantage deploy monitors.ts --source "$GITHUB_SHA"
        if: github.ref == 'refs/heads/main' && github.event_name == 'push'
        env:
          VANTAGE_HUB_URL: \${{ vars.VANTAGE_HUB_URL }}
          VANTAGE_API_TOKEN: \${{ secrets.VANTAGE_API_TOKEN }}
`

/** A package.json for a new project, named after its directory. */
export function packageJson(
  name: string,
  versions: { vantage: string; typescript?: string; typesNode?: string },
): string {
  const devDependencies: Record<string, string> = {}
  if (versions.typesNode) devDependencies['@types/node'] = versions.typesNode
  if (versions.typescript) devDependencies.typescript = versions.typescript
  return `${JSON.stringify(
    {
      name,
      private: true,
      type: 'module',
      scripts: {
        validate: 'vantage validate monitors.ts',
        test: 'vantage test monitors.ts',
        deploy: 'vantage deploy monitors.ts',
      },
      dependencies: { 'vantage-monitoring': `^${versions.vantage}` },
      devDependencies,
    },
    null,
    2,
  )}\n`
}
