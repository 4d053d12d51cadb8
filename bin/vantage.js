#!/usr/bin/env node
// Entry point for the `vantage` command. The sources are TypeScript; tsx compiles
// them on load so that the same loader also reads users' monitors.ts files.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../cli/main.ts')
await main(process.argv)
