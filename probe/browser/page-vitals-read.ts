/**
 * The last read of a page's vitals, at the end of a run, as source text that runs in the
 * page. It takes the entries the browser has not delivered yet, and waits for a paint
 * that is still on its way:
 *
 * - a page whose largest paint came after all its content, the usual end of a journey,
 *   is read at once;
 * - when an image arrived after the largest paint and is larger on screen than it, the
 *   image becomes the LCP with a paint the browser reports once the frame is presented.
 *   On a busy machine that can take several frames, so the read waits frame by frame
 *   until the LCP has moved past the image's arrival, at most 500 ms. Not after input:
 *   the browser stops reporting LCP at the first click, key press or scroll, so nothing
 *   would come;
 * - any other late content (a script, a small image, a background) gets one frame, at
 *   most 100 ms, so that a tracking pixel or an API call does not cost every run 500 ms.
 */
export const READ_VITALS_AT_THE_END = `new Promise((resolve) => {
  const read = window.__vantageVitalsSnapshot
  const state = window.__vantageVitalsState
  if (!read || !state) return resolve(undefined)
  const now = read()
  const lcp = now.lcp
  let arrived = 0
  const late = new Map()
  for (const entry of performance.getEntriesByType('navigation')) arrived = Math.max(arrived, entry.responseEnd)
  for (const entry of performance.getEntriesByType('resource')) {
    arrived = Math.max(arrived, entry.responseEnd)
    if (lcp !== undefined && entry.responseEnd > lcp) late.set(entry.name, entry.responseEnd)
  }
  if (lcp !== undefined && lcp >= arrived) return resolve(now)
  const visibleArea = (element) => {
    const box = element.getBoundingClientRect()
    const width = Math.min(box.right, innerWidth) - Math.max(box.left, 0)
    const height = Math.min(box.bottom, innerHeight) - Math.max(box.top, 0)
    return width > 0 && height > 0 ? width * height : 0
  }
  let awaited = 0
  if (!state.input) {
    for (const image of document.images) {
      const at = late.get(image.currentSrc)
      if (at === undefined || !image.complete || image.naturalWidth === 0) continue
      if (visibleArea(image) > (state.lcpSize || 0)) awaited = Math.max(awaited, at)
    }
  }
  let done = false
  const finish = () => { if (!done) { done = true; resolve(read()) } }
  if (awaited === 0) {
    requestAnimationFrame(() => setTimeout(finish, 0))
    setTimeout(finish, 100)
    return
  }
  // Frame after frame until the LCP has moved past the image; the timer ends the wait.
  const frame = () => {
    if (done) return
    const latest = read()
    if (latest.lcp !== undefined && latest.lcp >= awaited) {
      done = true
      return resolve(latest)
    }
    requestAnimationFrame(() => setTimeout(frame, 0))
  }
  frame()
  setTimeout(finish, 500)
})`
