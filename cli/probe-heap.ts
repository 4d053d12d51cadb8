/**
 * V8 settings that keep a probe's resident memory small; main.ts applies them before
 * the probe's modules load.
 *
 * The young generation kept at V8's starting size. While the probe loads its
 * modules nearly everything it allocates survives, so V8 doubles the young generation's
 * semi-spaces to 8 MiB each (16 MiB resident) and gives them back only when a later
 * garbage collection happens to meet a quiet moment: an idle probe measured 80 MiB or
 * 90 MiB from one start to the next. An idle probe allocates a few KiB a second, and the
 * collections a small young generation costs it are a fraction of a millisecond each.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'

/**
 * Stops V8 from growing the young generation from here on (growth factor 1; V8 reads
 * the flag each time it would grow). Call it before loading the probe's modules.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1')
}

/** Young-generation collections a second from which a probe counts as busy. */
export const BUSY_SCAVENGES_PER_SECOND = 2
/** …and under which it counts as idle again (apart, so that it does not flip each tick). */
export const IDLE_SCAVENGES_PER_SECOND = 0.5

/**
 * Whether the young generation may grow, given how often it filled up over the last
 * interval and whether it may now. A busy probe (1,000 checks a minute and more) fills a
 * young generation kept at its starting size several times a second, and every
 * collection has a fixed cost: at 100 HTTP checks a second they took about a fifth of
 * the probe's CPU, and a third as much once it could grow.
 */
export function youngGenerationMayGrow(scavengesPerSecond: number, growing: boolean): boolean {
  return growing
    ? scavengesPerSecond >= IDLE_SCAVENGES_PER_SECOND
    : scavengesPerSecond >= BUSY_SCAVENGES_PER_SECOND
}

/**
 * Lets the young generation grow (V8's default growth) while the probe is busy and keeps
 * it at its size while it is not (keepYoungGenerationSmall), judged every `intervalMs` by
 * how often it was collected. V8 gives back what it grew once the allocation rate is low.
 * Returns a function that stops watching.
 */
export function sizeYoungGenerationByLoad(intervalMs = 10_000): () => void {
  let scavenges = 0
  let growing = false
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges += 1
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  const timer = setInterval(() => {
    const next = youngGenerationMayGrow(scavenges / (intervalMs / 1_000), growing)
    scavenges = 0
    if (next === growing) return
    growing = next
    setFlagsFromString(`--semi-space-growth-factor=${growing ? 2 : 1}`)
  }, intervalMs)
  timer.unref()
  return () => {
    clearInterval(timer)
    observer.disconnect()
  }
}

/**
 * WebAssembly compiled function by function on first call, by V8's baseline compiler
 * only. The one WebAssembly a probe runs is undici's HTTP parser (llhttp). By default V8
 * compiles it on a worker thread and, once it is hot, compiles its parser function again
 * with TurboFan, which takes about 36 MiB of compiler memory on that worker thread; the
 * C library keeps about 10 MiB of it resident in the thread's own malloc arena long after
 * (an idle probe measured 80 MiB before that moment and 90 MiB after). The baseline
 * code parses a check's response headers in microseconds either way.
 */
export function keepWasmCompilationSmall(): void {
  setFlagsFromString('--liftoff-only')
  setFlagsFromString('--wasm-lazy-compilation')
}
