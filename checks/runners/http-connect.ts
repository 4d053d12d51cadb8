/**
 * The connect function the HTTP runner gives undici: it opens every connection of a
 * run itself, to time DNS, TCP and TLS (undici has no timing hooks), to pick the IP
 * version, and to read and verify the server certificate.
 *
 * Verification is done here rather than by `rejectUnauthorized`: Node then checks the
 * chain, the dates and the host name exactly as before, but the certificate can still
 * be described when it fails, and `insecure` checks can go on with it. Each connection
 * is a fresh handshake (no session is ever passed in), because a resumed session
 * carries no peer certificate.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls'
import type { buildConnector } from 'undici'
import type { CheckResult } from '../result.ts'
import { certificateError, readPeerCertificate, type PeerCertificateInfo } from './tls-info.ts'

type Phases = NonNullable<CheckResult['phases']>
type ConnectPhase = 'dnsMs' | 'connectMs' | 'tlsMs'

/** What one connection found out about its server. */
export interface ConnectionFacts {
  /** 4 or 6. */
  ipVersion?: number
  remoteAddress?: string
  /** `h2` when the server chose HTTP/2 through ALPN. */
  alpn?: string
  certificate?: PeerCertificateInfo
}

export interface ConnectOptions {
  /** Run's abort signal: a socket still connecting is destroyed when it fires. */
  signal: AbortSignal
  /** CA certificates to trust instead of the public roots. */
  ca?: string | Buffer | Array<string | Buffer>
  /** Go on with a certificate that did not verify. */
  insecure: boolean
  /** Resolve and connect over this IP version only. */
  ipFamily: 4 | 6 | 'auto'
}

/** `https:`, `[::1]` or `::1`, and `8443` or '' -> `https://::1:8443`: one key per origin. */
export function originKey(protocol: string, hostname: string, port: string | number): string {
  const defaultPort = protocol === 'https:' ? 443 : 80
  return `${protocol}//${hostname.replace(/^\[(.*)\]$/, '$1')}:${Number(port) || defaultPort}`
}

/**
 * The connections of one run: their phases, summed (a redirect to another origin
 * opens a second connection), and what each origin's connection found out. When an
 * origin is connected twice, the newest facts win.
 */
export class ConnectionLog {
  readonly totals: Pick<Phases, ConnectPhase> = {}
  private readonly facts = new Map<string, ConnectionFacts>()

  add(phase: ConnectPhase, ms: number): void {
    this.totals[phase] = (this.totals[phase] ?? 0) + ms
  }

  /** Time spent connecting, to tell it apart from the time to first byte. */
  sum(): number {
    return (this.totals.dnsMs ?? 0) + (this.totals.connectMs ?? 0) + (this.totals.tlsMs ?? 0)
  }

  record(origin: string, facts: ConnectionFacts): void {
    this.facts.set(origin, facts)
  }

  factsFor(origin: string): ConnectionFacts | undefined {
    return this.facts.get(origin)
  }
}

function abortError(signal: AbortSignal, what: string): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(what)
}

/**
 * Builds the connect function of one run. Every socket records its phases in `log`;
 * an https socket also records its certificate there, and fails with the
 * certificate's own error code (CERT_HAS_EXPIRED...) unless `insecure` is set.
 */
export function timedConnect(
  log: ConnectionLog,
  options: ConnectOptions,
): buildConnector.connector {
  const { signal } = options
  return (target, callback) => {
    if (signal.aborted) {
      callback(abortError(signal, 'aborted'), null)
      return
    }
    const secure = target.protocol === 'https:'
    const host = target.hostname
    const port = Number(target.port) || (secure ? 443 : 80)
    const origin = originKey(target.protocol, host, port)
    const literal = isIP(host)
    if (options.ipFamily !== 'auto' && literal !== 0 && literal !== options.ipFamily) {
      // A literal address is never looked up, so `family` alone would not stop it.
      callback(
        new Error(`${host} is an IPv${literal} address, but ipFamily is ${options.ipFamily}`),
        null,
      )
      return
    }
    const family = options.ipFamily === 'auto' ? undefined : options.ipFamily
    const start = performance.now()
    // tls.connect hands `family` on to its TCP connect; @types/node leaves it out.
    const tlsOptions: ConnectionOptions & { family?: number } = {
      host,
      port,
      family,
      ca: options.ca,
      servername: target.servername || (literal ? undefined : host),
      ALPNProtocols: ['h2', 'http/1.1'],
      // Verified below instead, from `authorized`: see the file comment.
      rejectUnauthorized: false,
    }
    const socket: Socket = secure ? tlsConnect(tlsOptions) : netConnect({ host, port, family })
    let lookupAt: number | undefined
    let connectAt: number | undefined
    let settled = false

    const settle = (error?: Error): void => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      if (error) {
        socket.destroy()
        callback(error, null)
      } else {
        callback(null, socket)
      }
    }
    const onAbort = (): void => settle(new Error('aborted while connecting'))
    signal.addEventListener('abort', onAbort, { once: true })

    socket.setNoDelay(true)
    socket.once('lookup', (error) => {
      if (error) return
      lookupAt = performance.now()
      log.add('dnsMs', lookupAt - start)
    })
    socket.once('connect', () => {
      connectAt = performance.now()
      log.add('connectMs', connectAt - (lookupAt ?? start))
      if (secure) return
      log.record(origin, addressFacts(socket))
      settle()
    })
    socket.once('secureConnect', () => {
      log.add('tlsMs', performance.now() - (connectAt ?? start))
      const tlsSocket = socket as TLSSocket
      const certificate = readPeerCertificate(tlsSocket, host)
      const facts = addressFacts(socket)
      if (tlsSocket.alpnProtocol) facts.alpn = tlsSocket.alpnProtocol
      if (certificate) facts.certificate = certificate
      log.record(origin, facts)
      if (tlsSocket.authorized || options.insecure) settle()
      else if (certificate) settle(certificateError(certificate))
      else settle(Object.assign(new Error('no server certificate'), { code: 'CERT_UNTRUSTED' }))
    })
    socket.once('error', (error) => settle(error))
  }
}

function addressFacts(socket: Socket): ConnectionFacts {
  const facts: ConnectionFacts = {}
  if (socket.remoteFamily) facts.ipVersion = socket.remoteFamily === 'IPv6' ? 6 : 4
  if (socket.remoteAddress) facts.remoteAddress = socket.remoteAddress
  return facts
}
