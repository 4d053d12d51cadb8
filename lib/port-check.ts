/**
 * Whether a TCP port can be listened on, asked before a command writes anything: a
 * busy port is one line and exit 2, not a stack trace after the data directory changed.
 */
import { createServer } from 'node:net'

/** Undefined when `port` on `host` is free (or 0: any port); else the error code (EADDRINUSE, EACCES). */
export function portProblem(port: number, host: string): Promise<string | undefined> {
  if (port === 0) return Promise.resolve(undefined)
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)))
  })
}

/** The one line for a port that cannot be used, naming the flag that changes it. */
export function portMessage(port: number, flag: string, problem: string): string {
  if (problem === 'EADDRINUSE') return `port ${port} is in use: pass ${flag}`
  if (problem === 'EACCES')
    return `port ${port} needs privileges: pass ${flag} with a port above 1023`
  return `port ${port} cannot be used (${problem}): pass ${flag}`
}
