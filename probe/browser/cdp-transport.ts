/**
 * A run worker's own DevTools connection to the probe's Chromium, for playwright-core's
 * `connectOverCDP(transport)`: Playwright's protocol side then runs in the run worker
 * itself and talks CDP straight to the browser, instead of every call going through the
 * host worker's Playwright server (JSON over a loopback WebSocket and two more threads,
 * about 50 ms of CPU a one-page run).
 *
 * Several run workers share the browser, each with a connection of its own, and a
 * Playwright connected over CDP attaches to every page of the browser: it would adopt
 * the pages of the other workers' contexts into its default context, set each of them up
 * (and answer their dialogs). So a connection lets through only the targets of the
 * contexts it created itself; it releases any other target at once, as Playwright does
 * with a target it does not want.
 */
import type { ConnectOverCDPTransport } from 'playwright-core'
import WebSocket from 'ws'

interface CdpMessage {
  id?: number
  method?: string
  sessionId?: string
  params?: { sessionId?: string; targetInfo?: { browserContextId?: string; type?: string } }
  result?: { browserContextId?: string }
}

/** Playwright's messages carry ids from 1 up; this connection's own ones go down from here. */
const FIRST_OWN_ID = -1_000_000

export class CdpTransport implements ConnectOverCDPTransport {
  onmessage?: (message: object) => void
  onclose?: (reason?: string) => void
  /** Browser contexts this connection created: their targets are its own. */
  readonly #contexts = new Set<string>()
  /** Ids of this connection's pending Target.createBrowserContext calls. */
  readonly #creating = new Set<number>()
  /** Sessions of targets it let go, whose last messages are dropped. */
  readonly #released = new Set<string>()
  #nextOwnId = FIRST_OWN_ID

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.#receive(String(data)))
    socket.on('close', (_code, reason) => this.onclose?.(String(reason) || 'the browser closed'))
    socket.on('error', () => undefined)
  }

  /** Opens a connection to a browser's DevTools endpoint (`ws://127.0.0.1:<port>/devtools/browser/<id>`). */
  static open(endpoint: string, timeoutMs: number): Promise<CdpTransport> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(endpoint, {
        handshakeTimeout: timeoutMs,
        // A screenshot or a trace's snapshot can be tens of MiB; Playwright allows 256 MiB.
        maxPayload: 256 * 1_048_576,
        perMessageDeflate: false,
        // A client masks its frames against caching proxies, which a loopback connection
        // has none of; a zero mask lets ws skip the random bytes and the copy of every frame.
        generateMask: (mask) => void mask.fill(0),
      })
      socket.once('open', () => {
        socket.off('error', reject)
        resolve(new CdpTransport(socket))
      })
      socket.once('error', reject)
    })
  }

  send(message: object): void {
    const out = message as CdpMessage
    if (out.method === 'Target.createBrowserContext' && !out.sessionId && out.id !== undefined) {
      this.#creating.add(out.id)
    }
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message))
  }

  close(): void {
    this.socket.close()
  }

  #receive(text: string): void {
    let message: CdpMessage
    try {
      message = JSON.parse(text) as CdpMessage
    } catch {
      return
    }
    if (message.id !== undefined && message.id <= FIRST_OWN_ID) return
    if (message.sessionId !== undefined && this.#released.has(message.sessionId)) return
    if (message.sessionId === undefined) {
      if (message.id !== undefined && this.#creating.delete(message.id)) {
        const created = message.result?.browserContextId
        if (created) this.#contexts.add(created)
      } else if (message.method === 'Target.attachedToTarget' && !this.#ours(message)) {
        this.#release(message.params!.sessionId!)
        return
      } else if (message.method === 'Target.detachedFromTarget') {
        const session = message.params?.sessionId
        if (session && this.#released.delete(session)) return
      }
    }
    this.onmessage?.(message)
  }

  /** A target is ours when it belongs to a context we created (the browser's own target aside). */
  #ours(message: CdpMessage): boolean {
    const info = message.params?.targetInfo
    if (!info || !message.params?.sessionId) return true
    if (info.type === 'browser') return true
    return info.browserContextId !== undefined && this.#contexts.has(info.browserContextId)
  }

  /** Lets a target we were attached to go: it waits for every attached client before it runs. */
  #release(sessionId: string): void {
    this.#released.add(sessionId)
    const resume = { id: this.#nextOwnId--, method: 'Runtime.runIfWaitingForDebugger', sessionId }
    const detach = { id: this.#nextOwnId--, method: 'Target.detachFromTarget', params: { sessionId } }
    this.socket.send(JSON.stringify(resume))
    this.socket.send(JSON.stringify(detach))
  }
}
