/**
 * The browser benchmark's target in a process of its own, so that serving pages costs
 * neither the probe nor the baseline: prints its URL on stdout and serves until killed,
 * or until its stdin closes (the bench is gone, however it ended).
 */
import { startBrowserTarget } from '../fixtures/browser-target.ts'

const target = await startBrowserTarget()
process.stdout.write(`${target.url}\n`)
const stop = () => void target.close().then(() => process.exit(0))
process.on('SIGTERM', stop)
process.stdin.on('end', stop).resume()
