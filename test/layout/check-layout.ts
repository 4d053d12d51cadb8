/** `npm run check:layout`: prints every broken layout rule (import-graph.ts) and exits 1 if any. */
import { fileURLToPath } from 'node:url'
import { forbiddenImports, importCycles, oversizedFiles, readSources } from './import-graph.ts'

const files = readSources(fileURLToPath(new URL('../..', import.meta.url)))
const findings = [
  ...forbiddenImports(files).map((line) => `forbidden import: ${line}`),
  ...importCycles(files).map((cycle) => `import cycle: ${cycle.join(' -> ')}`),
  ...oversizedFiles(files).map((line) => `too long without a stated reason: ${line}`),
]
for (const line of findings) console.log(line)
const shipped = files.filter((file) => !file.testOnly).length
console.log(`${files.length} files (${shipped} shipped): ${findings.length} finding(s)`)
process.exitCode = findings.length > 0 ? 1 : 0
