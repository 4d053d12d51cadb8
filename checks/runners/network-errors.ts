/**
 * Network errors, as Node, OpenSSL and undici report them, mapped to the stable
 * result codes. Shared by every runner that opens a connection (http, tcp), so the
 * same failure carries the same code whatever the check kind.
 */
import { ERROR_CODES } from '../result.ts'

/** OpenSSL's verification codes (and Node's host name check) that have a result code of their own. */
function certificateCodes(
  code: string,
  whats: Record<string, string>,
): Record<string, { code: string; what: string }> {
  return Object.fromEntries(
    Object.entries(whats).map(([name, what]) => [name, { code, what: `TLS: ${what}` }]),
  )
}

/** Network error codes, as set by Node, OpenSSL and undici, mapped to result codes. */
const CODE_MAP: Record<string, { code: string; what: string }> = {
  ECONNREFUSED: { code: ERROR_CODES.CONNECT_REFUSED, what: 'connection refused' },
  ENOTFOUND: { code: ERROR_CODES.DNS_NXDOMAIN, what: 'host name not found' },
  EAI_AGAIN: { code: ERROR_CODES.DNS_TIMEOUT, what: 'DNS lookup failed temporarily' },
  ETIMEDOUT: { code: ERROR_CODES.CONNECT_TIMEOUT, what: 'connect timed out' },
  UND_ERR_CONNECT_TIMEOUT: { code: ERROR_CODES.CONNECT_TIMEOUT, what: 'connect timed out' },
  ECONNRESET: { code: ERROR_CODES.CONNECT_RESET, what: 'connection reset' },
  EPIPE: { code: ERROR_CODES.CONNECT_RESET, what: 'connection closed while sending' },
  UND_ERR_SOCKET: { code: ERROR_CODES.CONNECT_RESET, what: 'connection closed by the server' },
  UND_ERR_CLOSED: { code: ERROR_CODES.CONNECT_RESET, what: 'connection closed' },
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: {
    code: ERROR_CODES.CONNECT_RESET,
    what: 'response body cut short',
  },
  ...certificateCodes(ERROR_CODES.TLS_CERT_EXPIRED, {
    CERT_HAS_EXPIRED: 'certificate has expired',
    CERT_NOT_YET_VALID: 'certificate is not valid yet',
  }),
  ...certificateCodes(ERROR_CODES.TLS_HOSTNAME_MISMATCH, {
    ERR_TLS_CERT_ALTNAME_INVALID: 'certificate is not valid for this host name',
    HOSTNAME_MISMATCH: 'certificate is not valid for this host name',
  }),
  ...certificateCodes(ERROR_CODES.TLS_CERT_UNTRUSTED, {
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate is not signed by a trusted CA',
    UNABLE_TO_GET_ISSUER_CERT: 'certificate issuer unknown (missing intermediate?)',
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate issuer unknown (missing intermediate?)',
    SELF_SIGNED_CERT_IN_CHAIN: 'chain ends in an untrusted self-signed CA',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
    CERT_UNTRUSTED: 'certificate not trusted',
    CERT_SIGNATURE_FAILURE: 'certificate signature does not verify',
    INVALID_CA: 'an issuer in the chain is not a valid CA',
  }),
}
/** Every other OpenSSL verification code or Node TLS code: a certificate or handshake problem. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|HOSTNAME_MISMATCH)/

/**
 * Maps a network error (or one it wraps as `cause`) to a stable result code and a
 * message that says what happened in words, followed by the system's own message.
 * @example classifyNetworkError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))
 * // { code: 'CONNECT_REFUSED', message: 'connection refused (connect ECONNREFUSED 127.0.0.1:1)' }
 */
export function classifyNetworkError(error: unknown): { code: string; message: string } {
  const chain: Error[] = []
  for (let e: unknown = error; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e)
  for (const e of chain) {
    const code = (e as NodeJS.ErrnoException).code ?? ''
    const known = CODE_MAP[code]
    if (known) return { code: known.code, message: `${known.what} (${e.message})` }
    const tls = TLS_CODE.test(code)
    if (tls) return { code: ERROR_CODES.TLS_ERROR, message: `TLS: ${e.message} (${code})` }
  }
  const message = chain.map((e) => e.message).join(': ') || String(error)
  return { code: ERROR_CODES.NETWORK, message }
}
