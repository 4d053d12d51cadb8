/**
 * bench:browser's memory sampler, in a process of its own: reading a dozen smaps_rollup
 * files takes about 100 ms, and on the probe's own thread (as it was) it held up every
 * message between the pool and its workers for that long, five times a second, a cost
 * the baseline never paid. Here it weighs on the probe and the baseline alike.
 *
 * usage: browser-memory-sampler.ts <probe pid>; reads the probe's browser pid, line by
 * line, on stdin (it changes when the pool replaces its browser); samples every 200 ms;
 * when stdin ends, prints `{"peakRss":..,"peakPss":..}` and exits.
 */
import { createInterface } from 'node:readline'
import { pssBytes, readProcess, treePssBytes, treeRssBytes } from '../../probe/browser/proc-tree.ts'

const probePid = Number(process.argv[2])
let browserPid: number | undefined
let peakRss = 0
let peakPss = 0
const sample = () => {
  const probeRss = readProcess(probePid)?.rssBytes ?? 0
  peakRss = Math.max(peakRss, probeRss + (browserPid ? treeRssBytes(browserPid) : 0))
  peakPss = Math.max(peakPss, pssBytes(probePid) + (browserPid ? treePssBytes(browserPid) : 0))
}
const timer = setInterval(sample, 200)
for await (const line of createInterface({ input: process.stdin })) {
  const pid = Number(line)
  if (Number.isInteger(pid) && pid > 0) browserPid = pid
}
clearInterval(timer)
sample()
process.stdout.write(`${JSON.stringify({ peakRss, peakPss })}\n`)
