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
import { setFlagsFromString } from 'node:v8'

/**
 * Stops V8 from growing the young generation from here on (growth factor 1; V8 reads
 * the flag each time it would grow). Call it before loading the probe's modules.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1')
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
