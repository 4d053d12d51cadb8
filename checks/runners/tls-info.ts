/**
 * What a TLS peer's certificate says, read once per connection, as the numbers
 * (metrics) and texts (details) a result carries. Shared by runners that speak TLS.
 */
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls'
import { boundDetail } from '../result.ts'

const DAY_MS = 86_400_000

/** The server (leaf) certificate of a connection, and whether it verified. */
export interface PeerCertificateInfo {
  /** `CN=api.example.com, O=Acme` */
  subject: string
  issuer: string
  /** `DNS:api.example.com, DNS:www.example.com, IP:10.0.0.1` */
  sans: string
  /** When it stops being valid, epoch ms; NaN when the date did not parse. */
  validTo: number
  /**
   * Why the chain is not valid for the host name: OpenSSL's code (CERT_HAS_EXPIRED,
   * UNABLE_TO_VERIFY_LEAF_SIGNATURE...) or ERR_TLS_CERT_ALTNAME_INVALID; undefined
   * when it is valid.
   */
  verifyError?: string
  /** A sentence for people, e.g. the names the certificate is valid for. */
  verifyMessage?: string
  /** `TLSv1.3` */
  protocol?: string
}

/** `{ CN: 'x', O: ['a', 'b'] }` -> `CN=x, O=a+b`: the order Node gives, which is the certificate's. */
function formatName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return ''
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ')
}

/**
 * Reads the peer certificate of a connection whose handshake is done. Verification
 * is Node's own (chain, dates and host name, as `rejectUnauthorized` would do it),
 * read from `authorized` so that an invalid certificate can still be described.
 * Undefined when the peer sent no certificate.
 */
export function readPeerCertificate(
  socket: TLSSocket,
  host: string,
): PeerCertificateInfo | undefined {
  const cert = socket.getPeerCertificate()
  if (!cert || Object.keys(cert).length === 0) return undefined
  const info: PeerCertificateInfo = {
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    sans: (cert.subjectaltname ?? '').replaceAll('IP Address:', 'IP:'),
    validTo: Date.parse(cert.valid_to),
  }
  const protocol = socket.getProtocol()
  if (protocol) info.protocol = protocol
  if (!socket.authorized) {
    const code = String(socket.authorizationError ?? 'CERT_UNTRUSTED')
    info.verifyError = code
    // Node keeps only the code; the host name check's own message names the host.
    const hostCheck =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? checkServerIdentity(host, cert) : undefined
    info.verifyMessage =
      hostCheck?.message ?? `${code}: ${info.subject} issued by ${info.issuer}, ${validUntil(info)}`
  }
  return info
}

function validUntil(info: PeerCertificateInfo): string {
  return Number.isNaN(info.validTo)
    ? 'validity unknown'
    : `valid until ${new Date(info.validTo).toISOString()}`
}

/** An Error for a certificate that did not verify, with Node's code, for classifyNetworkError. */
export function certificateError(info: PeerCertificateInfo): Error {
  return Object.assign(new Error(info.verifyMessage ?? 'certificate did not verify'), {
    code: info.verifyError,
  })
}

/**
 * The numbers: `certDaysLeft` (fractional, negative once expired) and `certValid`
 * (1 when the chain is valid for the host name, else 0).
 * @example certificateMetrics(info, Date.now()) // { certDaysLeft: 41.73, certValid: 1 }
 */
export function certificateMetrics(info: PeerCertificateInfo, now: number): Record<string, number> {
  const metrics: Record<string, number> = { certValid: info.verifyError ? 0 : 1 }
  if (!Number.isNaN(info.validTo)) {
    metrics.certDaysLeft = Math.round(((info.validTo - now) / DAY_MS) * 100) / 100
  }
  return metrics
}

/**
 * The texts: subject, issuer, SANs, expiry, and the verification verdict.
 * @example certificateDetails(info)
 * // { certSubject: 'CN=api.example.com', certIssuer: 'CN=R11, O=Let\'s Encrypt, C=US',
 * //   certSans: 'DNS:api.example.com', certNotAfter: '2027-01-19T08:00:00.000Z',
 * //   certVerification: 'ok', tlsVersion: 'TLSv1.3' }
 */
export function certificateDetails(info: PeerCertificateInfo): Record<string, string> {
  const details: Record<string, string> = {
    certSubject: boundDetail(info.subject),
    certIssuer: boundDetail(info.issuer),
    certSans: boundDetail(info.sans),
    certVerification: boundDetail(info.verifyMessage ?? 'ok'),
  }
  if (!Number.isNaN(info.validTo)) details.certNotAfter = new Date(info.validTo).toISOString()
  if (info.protocol) details.tlsVersion = info.protocol
  return details
}
