// The entry of the browser pool's worker threads. The probe's sources are TypeScript
// and a worker does not inherit the loader its parent registered, so each worker
// registers tsx itself before it loads its module.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
const modules = { host: './host-worker.ts', run: './run-worker.ts' }
await import(modules[workerData.module])
