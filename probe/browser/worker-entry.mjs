// The entry of the browser pool's worker threads. A worker does not inherit the loader
// its parent registered: in the compiled build (dist/) its modules are JavaScript beside
// this file; in a source checkout they are TypeScript, and it registers tsx first.
import { existsSync } from 'node:fs'
import { workerData } from 'node:worker_threads'

const name = { host: 'host-worker', run: 'run-worker' }[workerData.module]
const compiled = new URL(`./${name}.js`, import.meta.url)
if (existsSync(compiled)) {
  await import(compiled.href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(`./${name}.ts`)
}
