// The browser benchmark's baseline: the one-page journey as a bare Playwright script
// would run it, launching its browser once and opening a new context per run.
// usage: node browser-bare.mjs <chromium> <url>; runs one journey per line read on
// stdin and prints its duration in ms, so that the bench can alternate it with the probe.
import { createInterface } from 'node:readline'
import { chromium } from 'playwright-core'

const [executablePath, url] = process.argv.slice(2)
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: JSON.parse(process.env.BARE_ARGS ?? '[]'),
})

async function journey() {
  const started = performance.now()
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(url)
  const heading = await page.getByRole('heading').textContent()
  if (heading !== 'Welcome') throw new Error(`unexpected heading ${heading}`)
  await context.close()
  return performance.now() - started
}

await journey()
process.stdout.write('ready\n')
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'run') process.stdout.write(`${await journey()}\n`)
}
await browser.close()
