import { readFileSync } from 'node:fs'
import { packageUrl } from '../lib/package-root.ts'

/** The package version, shown by --version and advertised by probes. */
export const VERSION: string = (
  JSON.parse(readFileSync(packageUrl('package.json'), 'utf8')) as {
    version: string
  }
).version
