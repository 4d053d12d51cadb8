/**
 * `vantage incident post|update|publish|list`: what a status page tells its visitors,
 * written by a person. Posts need the hub's API token (or run on the hub machine when it
 * has none); `--at` backfills an incident that happened before the page existed.
 */
import { Command, Option } from 'commander'
import type { HubClient } from './hub-client.ts'
import { addHubOptions, failWith, hubClientFor, type HubFlags } from './hub-options.ts'

interface Post {
  id: string
  page: string
  kind: string
  title: string
  status: string
  published: boolean
  components: string[]
  createdAt: number
  updates: Array<{ status: string; body: string; at: number }>
}

interface PageFlags extends HubFlags {
  page?: string
}

const collect = (value: string, previous: string[] = []) => [...previous, value]
const iso = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ')

/** The page the flags name, or the hub's home page. */
async function pageOf(hub: HubClient, flags: PageFlags): Promise<string> {
  if (flags.page) return flags.page
  const { pages } = await hub.get<{ pages: Array<{ slug: string; home: boolean }> }>(
    '/api/v1/status-pages',
  )
  const home = pages.find((p) => p.home) ?? pages[0]
  if (!home) throw new Error('the hub has no status page')
  return home.slug
}

function printed(post: Post): string {
  const last = post.updates.at(-1)
  const draft = post.published ? '' : ' (suggested, not published: vantage incident publish)'
  return `${post.id}  ${post.kind}  ${post.status}${draft}\n  ${post.title}${
    post.components.length ? `  [${post.components.join(', ')}]` : ''
  }\n  ${last ? `${iso(last.at)} UTC ${last.status}: ${last.body}` : ''}\n`
}

async function run(
  name: string,
  flags: PageFlags,
  work: (hub: HubClient, slug: string) => Promise<string>,
) {
  try {
    const hub = hubClientFor(flags, `incident ${name}`, 'status page')
    process.stdout.write(await work(hub, await pageOf(hub, flags)))
  } catch (error) {
    if (error instanceof Error && error.message === 'the hub has no status page') {
      process.stderr.write(`vantage incident ${name}: ${error.message}\n`)
      process.exit(1)
    }
    failWith(`incident ${name}`, error)
  }
}

const pageOption = () =>
  new Option('--page <slug>', "the status page (default: the hub's home page)")

export function incidentCommand(): Command {
  const command = new Command('incident').description(
    'write incident posts and maintenance on a status page (see also: vantage incidents)',
  )

  command.addCommand(
    addHubOptions(new Command('post'))
      .description('open an incident post, or schedule maintenance with --maintenance')
      .requiredOption('--title <text>', 'the headline visitors read')
      .requiredOption('--message <text>', 'the first update')
      .addOption(pageOption())
      .addOption(
        new Option(
          '--status <status>',
          'investigating, identified, monitoring or resolved',
        ).choices(['investigating', 'identified', 'monitoring', 'resolved']),
      )
      .addOption(
        new Option('--component <id>', 'an affected component (repeatable)').argParser(collect),
      )
      .addOption(
        new Option('--impact <impact>', 'none, minor, major or critical').choices([
          'none',
          'minor',
          'major',
          'critical',
        ]),
      )
      .addOption(new Option('--at <time>', 'when it started (ISO 8601): backfills a past incident'))
      .addOption(new Option('--maintenance', 'scheduled maintenance; needs --from and --until'))
      .addOption(new Option('--from <time>', 'maintenance start (ISO 8601)'))
      .addOption(new Option('--until <time>', 'maintenance end (ISO 8601)'))
      .addOption(new Option('--draft', 'keep it unpublished until vantage incident publish'))
      .addHelpText(
        'after',
        `
Examples:
  vantage incident post --title "Slow API" --message "Investigating slow responses" --component api
  vantage incident post --title "Login outage" --message "Resolved" --status resolved --at 2026-03-01T10:00:00Z
  vantage incident post --maintenance --title "DB upgrade" --message "Writes pause" \\
    --from 2026-03-20T02:00:00Z --until 2026-03-20T03:00:00Z --component database`,
      )
      .action(async (flags: PageFlags & Record<string, string | string[] | boolean | undefined>) =>
        run('post', flags, async (hub, slug) => {
          const { post } = await hub.post<{ post: Post }>(
            `/api/v1/status-pages/${encodeURIComponent(slug)}/posts`,
            {
              kind: flags.maintenance ? 'maintenance' : 'incident',
              title: flags.title,
              body: flags.message,
              ...(flags.status ? { status: flags.status } : {}),
              components: flags.component ?? [],
              ...(flags.impact ? { impact: flags.impact } : {}),
              ...(flags.at ? { at: flags.at } : {}),
              ...(flags.from ? { scheduledFor: flags.from } : {}),
              ...(flags.until ? { scheduledUntil: flags.until } : {}),
              published: !flags.draft,
            },
          )
          return printed(post)
        }),
      ),
  )

  command.addCommand(
    addHubOptions(new Command('update'))
      .description('add an update to a post: investigating, identified, monitoring, resolved')
      .argument('<post-id>', 'the post (from vantage incident list)')
      .requiredOption(
        '--status <status>',
        'investigating, identified, monitoring, resolved (maintenance: in_progress, verifying, completed)',
      )
      .requiredOption('--message <text>', 'what visitors read')
      .addOption(pageOption())
      .addOption(new Option('--at <time>', 'when (ISO 8601), to backfill'))
      .action(
        async (id: string, flags: PageFlags & { status: string; message: string; at?: string }) =>
          run('update', flags, async (hub, slug) => {
            const { post } = await hub.post<{ post: Post }>(
              `/api/v1/status-pages/${encodeURIComponent(slug)}/posts/${encodeURIComponent(id)}/updates`,
              { status: flags.status, body: flags.message, ...(flags.at ? { at: flags.at } : {}) },
            )
            return printed(post)
          }),
      ),
  )

  command.addCommand(
    addHubOptions(new Command('publish'))
      .description('publish a post the hub suggested (pages with incidents: "suggest")')
      .argument('<post-id>', 'the post')
      .addOption(pageOption())
      .action(async (id: string, flags: PageFlags) =>
        run('publish', flags, async (hub, slug) => {
          const { post } = await hub.post<{ post: Post }>(
            `/api/v1/status-pages/${encodeURIComponent(slug)}/posts/${encodeURIComponent(id)}/publish`,
            {},
          )
          return printed(post)
        }),
      ),
  )

  command.addCommand(
    addHubOptions(new Command('list'))
      .description("a page's posts, suggested ones too, newest first")
      .addOption(pageOption())
      .action(async (flags: PageFlags) =>
        run('list', flags, async (hub, slug) => {
          const { posts } = await hub.get<{ posts: Post[] }>(
            `/api/v1/status-pages/${encodeURIComponent(slug)}/posts`,
          )
          return posts.length ? posts.map(printed).join('') : 'no posts\n'
        }),
      ),
  )
  return command
}
