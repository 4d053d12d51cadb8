/**
 * The hub's status pages: which pages there are (those of the monitoring file, or one
 * made of every check when it declares none), their models, their posts, and the
 * incident posts the hub opens itself when a public component has a confirmed outage.
 */
import { isHostKind, type CheckSpec } from '../../checks/spec.ts'
import { componentId, statusPageSchema, type StatusPageConfig } from '../../checks/status-page.ts'
import type { Logger } from '../../lib/logger.ts'
import { STATE_LABELS } from './component-state.ts'
import { buildPageModel, type PageModel, type PageSources } from './page-model.ts'
import type { PageMemo } from './page-parts.ts'
import type { Impact, NewPost, Post, PostStatus, PostStore } from './post-store.ts'

export interface StatusPagesOptions extends Omit<PageSources, 'posts' | 'overrides' | 'memo'> {
  posts: PostStore
  project: () => string
  /** The pages of the monitoring file; none or empty makes the default page. */
  configured: () => StatusPageConfig[] | undefined
  now: () => number
  logger: Logger
  /** Called after every published change of a post, to tell subscribers. */
  onPost?: (page: StatusPageConfig, post: Post) => void
  /**
   * What the pages show changes with this (the hub's read model); where given, a model is
   * kept until it does, or MODEL_MAX_AGE_MS passes, and `changed()` reports to `onChanged`.
   */
  version?: () => number
  onChanged?: () => void
}

/** How long a model is reused: live updates and badges ask often, states change by the second. */
const MODEL_TTL_MS = 1_000
/**
 * How long a model is kept when a version says what changed: today's bar and the times
 * on the page move with the clock; a public page is cached 30 s by browsers anyway.
 */
export const MODEL_MAX_AGE_MS = 30_000

const OUTAGE_IMPACT: Record<string, Impact> = { partial_outage: 'major', major_outage: 'critical' }

/** The page a hub shows when its monitoring file declares none: every probe-run check. */
export function defaultPage(project: string, checks: CheckSpec[]): StatusPageConfig {
  const shown = checks.filter((c) => c.enabled && !isHostKind(c.kind))
  const used = new Set<string>()
  return statusPageSchema.parse({
    slug: 'status',
    title: `${project} status`,
    home: true,
    components: (shown.length ? shown : checks.slice(0, 1)).map((check) => {
      let id = componentId({ name: check.name ?? check.id })
      while (used.has(id)) id = `${id}-${check.id}`.slice(0, 64)
      used.add(id)
      return { id, name: check.name ?? check.id, checks: [check.id] }
    }),
  })
}

export class StatusPages {
  readonly #options: StatusPagesOptions
  readonly #cache = new Map<string, { at: number; version: number; model: PageModel }>()
  /** Components and their bars kept between builds of a page (page-model.ts). */
  readonly #memo: PageMemo = { bars: new Map(), components: new Map() }
  #localVersion = 0
  /** The states the hub's own posts were last synced for. */
  #syncedAt: number | null = null

  constructor(options: StatusPagesOptions) {
    this.#options = options
  }

  get posts(): PostStore {
    return this.#options.posts
  }

  list(): StatusPageConfig[] {
    const configured = this.#options.configured()
    if (configured && configured.length > 0) return configured
    const checks = this.#options.checks()
    return checks.length === 0 ? [] : [defaultPage(this.#options.project(), checks)]
  }

  get(slug: string): StatusPageConfig | undefined {
    return this.list().find((page) => page.slug === slug)
  }

  /** The page served at the hub's `/`: the one marked `home`, else the first public one. */
  home(): StatusPageConfig | undefined {
    const pages = this.list()
    return pages.find((p) => p.home) ?? pages.find((p) => p.access === 'public')
  }

  /** True when a version says what changed (the hub's read model): answers may be kept. */
  versioned(): boolean {
    return this.#options.version !== undefined
  }

  /** What the pages show changes with this: the read model's version and the posts'. */
  version(): number {
    return (this.#options.version?.() ?? 0) * 1_000_003 + this.#localVersion
  }

  /**
   * The page's model now; reused while nothing it shows changed (with a version), else
   * for a second, so that bursts of requests share it.
   */
  model(page: StatusPageConfig, options: { fresh?: boolean } = {}): PageModel {
    const now = this.#options.now()
    const cached = this.#cache.get(page.slug)
    const version = this.version()
    const maxAge = this.#options.version ? MODEL_MAX_AGE_MS : MODEL_TTL_MS
    if (
      !options.fresh &&
      cached &&
      cached.model.page === page &&
      cached.version === version &&
      now - cached.at < maxAge
    ) {
      return cached.model
    }
    const model = buildPageModel(
      page,
      {
        ...this.#options,
        posts: (slug) => this.#options.posts.list(slug, { limit: 200 }),
        overrides: (slug) => this.#options.posts.overrides(slug),
        memo: this.#memo,
      },
      now,
    )
    this.#cache.set(page.slug, { at: now, version, model })
    return model
  }

  /** Forgets cached models after a change, so the next request shows it. */
  changed(): void {
    this.#cache.clear()
    this.#localVersion += 1
    this.#options.onChanged?.()
  }

  createPost(input: Omit<NewPost, 'published' | 'origin'> & { published?: boolean }): Post {
    const post = this.#options.posts.create({ published: true, origin: 'operator', ...input })
    this.#after(post)
    return post
  }

  updatePost(id: string, status: PostStatus, body: string, at: number): Post | null {
    const post = this.#options.posts.update(id, status, body, at)
    if (post) this.#after(post)
    return post
  }

  publish(id: string): Post | null {
    const post = this.#options.posts.publish(id, this.#options.now())
    if (post) this.#after(post)
    return post
  }

  #after(post: Post): void {
    this.changed()
    const page = this.get(post.page)
    if (page && post.published) this.#options.onPost?.(page, post)
  }

  /**
   * Opens an incident post for each component with a confirmed outage that has none,
   * published at once or waiting for a person (`incidents: 'suggest'`), and resolves
   * the hub's own posts when their components are back. Posts written by people are
   * left to people.
   */
  syncAutoPosts(): void {
    const now = this.#options.now()
    // Components change state only when a version says so: without a change, nothing to do.
    const version = this.#options.version ? this.version() : null
    if (version !== null && version === this.#syncedAt) return
    for (const page of this.list()) {
      const model = this.model(page, { fresh: version === null })
      // One read of the page's open posts, not one per component (a page may have 10,000).
      const openPosts = this.#options.posts.openAutoPostIds(page.slug)
      for (const component of model.components) {
        const outage = component.state in OUTAGE_IMPACT && !component.overridden
        const open = openPosts.get(component.id)
        if (outage && !open) {
          const label = STATE_LABELS[component.state].toLowerCase()
          const post = this.#options.posts.create({
            page: page.slug,
            kind: 'incident',
            title: `${component.name}: ${label}`,
            impact: OUTAGE_IMPACT[component.state]!,
            status: 'investigating',
            body: `We are investigating a ${label} of ${component.name}${component.reason ? ` (${component.reason.toLowerCase()})` : ''}.`,
            components: [component.id],
            published: page.incidents === 'auto',
            origin: 'auto',
            at: now,
          })
          this.#options.logger.info(
            { page: page.slug, component: component.id, post: post.id, published: post.published },
            'incident post opened for a confirmed outage',
          )
          this.#after(post)
          openPosts.set(component.id, post.id)
        } else if (!outage && open && component.state !== 'under_maintenance') {
          const body = `${component.name} is operating normally again.`
          this.updatePost(open, 'resolved', body, now)
          openPosts.delete(component.id)
        }
      }
    }
    if (version !== null) this.#syncedAt = this.version()
  }
}
