/**
 * The in-page half of Web Vitals: a script added to every document of a run's context
 * that watches the browser's own performance entries and hands their values to the
 * run, as web-vitals does, without loading anything into the page:
 *
 * - LCP: the last `largest-contentful-paint` candidate;
 * - CLS: the largest session window of `layout-shift`s without recent input (shifts
 *   less than 1 s apart, a window at most 5 s long);
 * - FCP: the `first-contentful-paint` paint entry;
 * - TTFB: the navigation entry's `responseStart`;
 * - INP: the longest `event` entry of an interaction (with a few interactions the
 *   98th percentile is the longest), only when the script interacted;
 * - TBT: the time long tasks (over 50 ms) block the main thread after FCP, the lab
 *   stand-in for responsiveness when nothing was clicked.
 *
 * A page reports whenever a value changes (so a page the script navigates away from has
 * said what it measured by then; a report at `pagehide` does not reach Playwright), as a
 * console message, and the run reads it once more at the end. Console messages are events
 * the run listens to anyway; an exposed binding, as this was before, cost every page its
 * installation and every report a round trip back into the page. The page cannot silence
 * them: the script keeps the browser's own `console.debug` before the page's scripts run.
 * Only the top document reports; frames are part of their page.
 */

/** What starts the console message of a page's report; the rest is its JSON. */
export const VITALS_MESSAGE_PREFIX = '__vantage_vitals__'

/** What a page reports. */
export interface PageVitalsReport {
  /** Random per document, so that a reload counts as a new page. */
  doc: string
  /**
   * Counts the document's reports: Playwright may emit a console message after the
   * answer of a later read, so an older report must not replace a newer one.
   */
  seq?: number
  url: string
  lcp?: number
  cls?: number
  fcp?: number
  ttfb?: number
  inp?: number
  tbt?: number
  /** Bytes transferred for the document and its resources, per Resource Timing. */
  transfer: number
  resources: number
}

/** The init script, as source text (it runs in the page, not in Node). */
export const PAGE_VITALS_SCRIPT = `(() => {
  if (window !== window.top || window.__vantageVitalsState) return
  const state = { doc: Math.random().toString(36).slice(2), transfer: 0, resources: 0, cls: 0, tbt: 0 }
  window.__vantageVitalsState = state
  let session = 0, sessionStart = 0, sessionLast = 0, seq = 0
  const snapshot = () => ({
    doc: state.doc, seq: ++seq, url: location.href, lcp: state.lcp, cls: state.cls, fcp: state.fcp,
    ttfb: state.ttfb, inp: state.inp, tbt: state.tbt, transfer: state.transfer, resources: state.resources,
  })
  // Entries the browser has recorded but not yet delivered are taken at each read.
  const observers = []
  const read = () => {
    for (const [observer, onEntry] of observers) for (const entry of observer.takeRecords()) onEntry(entry)
    return snapshot()
  }
  window.__vantageVitalsSnapshot = read
  const debug = console.debug.bind(console)
  let pending = false
  const send = () => {
    pending = false
    try { debug(${JSON.stringify(VITALS_MESSAGE_PREFIX)} + JSON.stringify(snapshot())) } catch {}
  }
  const changed = () => { if (!pending) { pending = true; setTimeout(send, 0) } }
  const observe = (type, onEntry, extra) => {
    try {
      const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) onEntry(entry); changed() })
      observer.observe(Object.assign({ type, buffered: true }, extra || {}))
      observers.push([observer, onEntry])
    } catch {}
  }
  // The browser stops reporting LCP at the first input; the last read needs to know.
  for (const type of ['keydown', 'mousedown', 'pointerdown', 'scroll']) {
    addEventListener(type, () => { state.input = true }, { capture: true, passive: true })
  }
  observe('largest-contentful-paint', (e) => { state.lcp = e.renderTime || e.loadTime || e.startTime; state.lcpSize = e.size })
  observe('layout-shift', (e) => {
    if (e.hadRecentInput) return
    if (session > 0 && e.startTime - sessionLast < 1000 && e.startTime - sessionStart < 5000) session += e.value
    else { session = e.value; sessionStart = e.startTime }
    sessionLast = e.startTime
    if (session > state.cls) state.cls = session
  })
  observe('paint', (e) => { if (e.name === 'first-contentful-paint') state.fcp = e.startTime })
  observe('navigation', (e) => {
    state.ttfb = Math.max(0, e.responseStart - (e.activationStart || 0))
    state.transfer += e.transferSize || 0
  })
  observe('resource', (e) => { state.transfer += e.transferSize || 0; state.resources += 1 })
  observe('longtask', (e) => {
    if (state.fcp !== undefined && e.startTime >= state.fcp) state.tbt += Math.max(0, e.duration - 50)
  })
  observe('event', (e) => {
    if (e.interactionId && (state.inp === undefined || e.duration > state.inp)) state.inp = e.duration
  }, { durationThreshold: 16 })
})()`
