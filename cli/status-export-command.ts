/**
 * `vantage status export DIR`: writes a static copy of a status page (its HTML, the
 * Statuspage v2 JSON, the RSS and Atom feeds and badges) so a team can serve it from
 * anywhere (a bucket, a CDN, another host) while the hub itself is down.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { Command, Option } from 'commander'
import { HubRequestError } from './hub-client.ts'
import { addHubOptions, failWith, type HubFlags } from './hub-options.ts'

const V2 = [
  'summary',
  'status',
  'components',
  'incidents',
  'incidents/unresolved',
  'scheduled-maintenances',
  'scheduled-maintenances/upcoming',
  'scheduled-maintenances/active',
]
const BADGES = ['status', 'uptime-24h', 'uptime-7d', 'uptime-30d', 'uptime-90d', 'p95-24h']

interface ExportFlags extends HubFlags {
  page?: string
}

/** Fetches one file of the page; null for a 404 (a private page has no feeds). */
async function fetchFile(flags: ExportFlags, path: string): Promise<Buffer | null> {
  const headers: Record<string, string> = {}
  if (flags.apiToken) headers.authorization = `Bearer ${flags.apiToken}`
  let response: Response
  try {
    response = await fetch(`${flags.hub}${path}`, { headers, signal: AbortSignal.timeout(30_000) })
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause
    throw new HubRequestError(
      `cannot reach the hub at ${flags.hub} (${cause?.code ?? (error as Error).message}); set --hub (or VANTAGE_HUB_URL)`,
    )
  }
  if (response.status === 404 && (path.endsWith('.rss') || path.endsWith('.atom'))) return null
  if (response.status === 401) {
    throw new HubRequestError(
      'the page is private: pass the hub\u2019s API token with --api-token (or VANTAGE_API_TOKEN)',
      401,
    )
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string }
    throw new HubRequestError(body.error ?? `HTTP ${response.status} for ${path}`, response.status)
  }
  return Buffer.from(await response.arrayBuffer())
}

/** Writes the page's files under `dir`; returns the paths written, relative to it. */
export async function exportStatusPage(flags: ExportFlags, dir: string): Promise<string[]> {
  const base = flags.page ? `/status/${encodeURIComponent(flags.page)}` : ''
  const summary = await fetchFile(flags, `${base}/api/v2/summary.json`)
  const { page, components } = JSON.parse(summary!.toString()) as {
    page: { id: string }
    components: Array<{ id: string; group: boolean }>
  }
  const pagePath = `/status/${encodeURIComponent(page.id)}`
  const files: Array<[string, string]> = [
    ['index.html', `${pagePath}?export`],
    ...V2.map((doc): [string, string] => [`api/v2/${doc}.json`, `${pagePath}/api/v2/${doc}.json`]),
    ['history.rss', `${pagePath}/history.rss`],
    ['history.atom', `${pagePath}/history.atom`],
    ...BADGES.flatMap((b) =>
      ['svg', 'json'].map((ext): [string, string] => [
        `badges/${b}.${ext}`,
        `${pagePath}/badges/${b}.${ext}`,
      ]),
    ),
    ...components
      .filter((c) => !c.group)
      .flatMap((c) =>
        ['status', 'uptime-90d'].map((b): [string, string] => [
          `badges/${c.id}/${b}.svg`,
          `${pagePath}/badges/${b}.svg?component=${encodeURIComponent(c.id)}`,
        ]),
      ),
  ]
  const written: string[] = []
  for (const [file, path] of files) {
    const body = await fetchFile(flags, path)
    if (!body) continue
    const target = join(dir, file)
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, body)
    written.push(file)
  }
  return written
}

export function statusExportCommand(): Command {
  return addHubOptions(new Command('export'), {
    apiToken: "the hub's API token (its --api-token); needed for a private page",
  })
    .description('write a static copy of a status page (HTML, JSON, feeds, badges) to a folder')
    .argument('<dir>', 'where to write it (created when missing; files in it are replaced)')
    .addOption(new Option('--page <slug>', "the page to export (default: the hub's home page)"))
    .addHelpText(
      'after',
      `
The copy links its files relatively, runs no script and takes no subscriptions, so any
static file server can serve it: index.html, api/v2/*.json (Statuspage-compatible),
history.rss, history.atom and badges/. Run it on a timer to keep a copy fresh.

Exit codes: 0 written; 1 the hub could not be reached or has no such page; 3 the hub
refused the API token.

Examples:
  vantage status export ./status-copy
  vantage status export /srv/www/status --page public --hub https://hub.example.com`,
    )
    .action(async (dir: string, flags: ExportFlags) => {
      try {
        const written = await exportStatusPage(flags, resolve(dir))
        process.stdout.write(`wrote ${written.length} files to ${resolve(dir)}\n`)
      } catch (error) {
        failWith('status export', error)
      }
    })
}
