/**
 * How far V8 lets the old generation grow past what was live at the last major
 * collection. On a machine with gigabytes of memory it allows up to 4x: a hub with about
 * 100 MiB live at 10,000 checks, building status pages for 20 clients while states
 * change, piled garbage up to about 400 MiB of heap before collecting it (bench:status,
 * hub RSS from 370 to 800 MiB and more). Half again is what it then grows to instead;
 * the collections this adds are mostly marked on V8's own threads.
 */
import { setFlagsFromString } from 'node:v8'

/** The old generation's growth between major collections, in % of what was live. */
export const HEAP_GROWING_PERCENT = 50

/** Applies HEAP_GROWING_PERCENT to this process (V8 reads it at every major collection). */
export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)
}
