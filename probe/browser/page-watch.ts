/**
 * Watches a run's browser context for what a result reports besides the script's own
 * verdict: every page's Web Vitals (page-vitals.ts), console errors and uncaught page
 * errors, failed requests (network failures and 4xx/5xx answers), transferred bytes,
 * a main document that answered 4xx/5xx, a crashed page, and the pages' DevTools target
 * ids (so that the pool can take a screenshot of a run whose script no longer answers).
 * It also keeps the console log that goes with the artifacts.
 */
import type { BrowserContext, ConsoleMessage, Page, Request, Response } from 'playwright-core'
import {
  MAX_REPORTED_PAGES,
  MAX_SAMPLES,
  sampleText,
  type BrowserReport,
  type PageReport,
} from '../../checks/browser/browser-result.ts'
import { rateVital, VITAL_NAMES } from '../../checks/browser/vitals.ts'
import { READ_VITALS_AT_THE_END } from './page-vitals-read.ts'
import { PAGE_VITALS_SCRIPT, VITALS_MESSAGE_PREFIX, type PageVitalsReport } from './page-vitals.ts'

/** Lines the console log keeps; a chatty page would otherwise fill the artifact cap. */
const MAX_LOG_LINES = 2_000
const MAX_LOG_LINE = 1_000

export interface PageWatchHooks {
  /** A page opened; `targetId` is its DevTools target. */
  page(targetId: string): void
}

export class PageWatch {
  readonly #documents = new Map<string, PageVitalsReport>()
  readonly #log: string[] = []
  readonly #consoleSamples: string[] = []
  readonly #failedSamples: string[] = []
  readonly #pages = new Set<Page>()
  #consoleErrors = 0
  #pageErrors = 0
  #requests = 0
  #failed = 0
  #lastPage: Page | undefined
  /** `HTTP 500 at https://...` for the first main document that answered 4xx/5xx. */
  navigationError: string | undefined
  /** Why the run's browser side died, if it did. */
  crashed: string | undefined

  constructor(
    private readonly context: BrowserContext,
    private readonly hooks: PageWatchHooks,
    /** Texts never written to the log: the run's secrets. */
    private readonly redact: (text: string) => string,
  ) {}

  async install(): Promise<void> {
    await this.context.addInitScript(PAGE_VITALS_SCRIPT)
    this.context.on('page', (page) => this.#watch(page))
  }

  /** The page the script touched last (the newest one open): the end's screenshot. */
  lastPage(): Page | undefined {
    const open = [...this.#pages].filter((page) => !page.isClosed())
    return open.includes(this.#lastPage!) ? this.#lastPage : open[open.length - 1]
  }

  #watch(page: Page): void {
    this.#pages.add(page)
    this.#lastPage = page
    page.on('console', (message) => this.#console(message))
    page.on('pageerror', (error) => {
      this.#pageErrors += 1
      const text = this.redact(`${error.name}: ${error.message}`)
      this.#sample(this.#consoleSamples, `uncaught ${text}`)
      this.#line(`[pageerror] ${text}`)
    })
    page.on('request', () => {
      this.#requests += 1
    })
    page.on('requestfailed', (request) => this.#requestFailed(request))
    page.on('response', (response) => this.#response(page, response))
    page.on('crash', () => {
      this.crashed ??= 'the page crashed (its renderer process died)'
    })
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.#lastPage = page
    })
    void this.#announce(page)
  }

  async #announce(page: Page): Promise<void> {
    try {
      const session = await this.context.newCDPSession(page)
      const { targetInfo } = (await session.send('Target.getTargetInfo')) as {
        targetInfo: { targetId: string }
      }
      this.hooks.page(targetInfo.targetId)
      await session.detach()
    } catch {
      // A page that closed at once, or a browser that went away: nothing to point at.
    }
  }

  #record(report: PageVitalsReport): void {
    if (!report || typeof report.doc !== 'string' || typeof report.url !== 'string') return
    if (report.url === 'about:blank') return
    const known = this.#documents.get(report.doc)
    if (!known && this.#documents.size >= MAX_REPORTED_PAGES) return
    // A console report can arrive after the final read's answer: keep the newest.
    if (known && Number(report.seq) < Number(known.seq)) return
    this.#documents.set(report.doc, report)
  }

  #sample(list: string[], text: string): void {
    if (list.length < MAX_SAMPLES) list.push(sampleText(text))
  }

  #line(text: string): void {
    if (this.#log.length < MAX_LOG_LINES) this.#log.push(text.slice(0, MAX_LOG_LINE))
  }

  #console(message: ConsoleMessage): void {
    if (message.type() === 'debug' && message.text().startsWith(VITALS_MESSAGE_PREFIX)) {
      try {
        this.#record(JSON.parse(message.text().slice(VITALS_MESSAGE_PREFIX.length)))
      } catch {
        // Not ours after all (a page may log anything): nothing to record.
      }
      return
    }
    const text = this.redact(message.text())
    const where = message.location().url
    this.#line(
      `[${message.type()}] ${text}${where ? ` (${where}:${message.location().lineNumber})` : ''}`,
    )
    if (message.type() !== 'error') return
    this.#consoleErrors += 1
    this.#sample(this.#consoleSamples, text)
  }

  #requestFailed(request: Request): void {
    const reason = request.failure()?.errorText ?? 'failed'
    this.#failed += 1
    this.#sample(this.#failedSamples, `${reason} ${request.url()}`)
    this.#line(`[request failed] ${reason} ${request.method()} ${request.url()}`)
  }

  #response(page: Page, response: Response): void {
    const status = response.status()
    if (status < 400) return
    const url = response.url()
    this.#failed += 1
    this.#sample(this.#failedSamples, `${status} ${url}`)
    this.#line(`[response] ${status} ${response.request().method()} ${url}`)
    const request = response.request()
    if (request.isNavigationRequest() && response.frame() === page.mainFrame()) {
      this.navigationError ??= `HTTP ${status} at ${url}`
    }
  }

  /** Reads the vitals of every open page once more (at the end of the run). */
  async flush(timeoutMs: number): Promise<void> {
    const reads = [...this.#pages]
      .filter((page) => !page.isClosed())
      .map(async (page) => {
        const report = (await page.evaluate(READ_VITALS_AT_THE_END)) as
          PageVitalsReport | undefined
        if (report) this.#record(report)
      })
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())
    await Promise.race([Promise.allSettled(reads), deadline])
  }

  report(): Pick<BrowserReport, 'pages' | 'console' | 'requests'> {
    const pages: PageReport[] = []
    let transferBytes = 0
    for (const document of this.#documents.values()) {
      transferBytes += Number(document.transfer) || 0
      const vitals: PageReport['vitals'] = {}
      for (const name of VITAL_NAMES) {
        const value = document[name]
        if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
          // Lab TBT of a page without long tasks is 0, a real measurement; the others
          // are absent until the browser measured them.
          const rounded = name === 'cls' ? Number(value.toFixed(4)) : Math.round(value)
          vitals[name] = { value: rounded, rating: rateVital(name, rounded) }
        }
      }
      pages.push({ url: sampleText(document.url), vitals })
    }
    return {
      pages,
      console: {
        errors: this.#consoleErrors,
        pageErrors: this.#pageErrors,
        first: this.#consoleSamples,
      },
      requests: {
        total: this.#requests,
        failed: this.#failed,
        firstFailed: this.#failedSamples,
        transferBytes: Math.round(transferBytes),
      },
    }
  }

  /** The console log artifact: console messages, page errors and failed requests. */
  logText(): string {
    return this.#log.length > 0 ? `${this.#log.join('\n')}\n` : ''
  }
}
