/**
 * host.port: something listens on a local TCP port. Read from /proc/net/tcp and tcp6
 * (sockets in LISTEN state) rather than by connecting: a listener bound to one address
 * is seen whatever it is, and the service gets no connection to log or count.
 */
import { readFile } from 'node:fs/promises'
import { SocketAddress } from 'node:net'
import { endianness } from 'node:os'
import { ERROR_CODES } from '../../result.ts'
import type { Runner } from '../types.ts'
import { errnoOf, procUnavailable } from './outcomes.ts'

/** TCP_LISTEN in the kernel's tcp_states.h, as /proc/net/tcp prints it. */
const LISTEN = '0A'

export interface Listener {
  address: string
  port: number
}

/**
 * The kernel prints each 32-bit word of an address in host byte order; turn the hex
 * back into network order bytes.
 */
function addressBytes(hex: string): number[] {
  const bytes: number[] = []
  for (let word = 0; word < hex.length; word += 8) {
    const wordBytes = hex
      .slice(word, word + 8)
      .match(/../g)!
      .map((b) => parseInt(b, 16))
    bytes.push(...(endianness() === 'LE' ? wordBytes.reverse() : wordBytes))
  }
  return bytes
}

/** Canonical text of an address, so that `::1` and `0:0:0:0:0:0:0:1` compare equal. */
export function canonicalAddress(address: string): string {
  const family = address.includes(':') ? 'ipv6' : 'ipv4'
  const canonical = new SocketAddress({ address, family }).address
  // An IPv4 address on a dual-stack socket shows as ::ffff:a.b.c.d.
  return canonical.startsWith('::ffff:') && canonical.includes('.') ? canonical.slice(7) : canonical
}

function formatAddress(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join('.')
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16))
  return canonicalAddress(groups.join(':'))
}

/**
 * The listening sockets in /proc/net/tcp-format text.
 * @example parseListeners('  0: 0100007F:1F90 00000000:0000 0A ...') // [{ address: '127.0.0.1', port: 8080 }]
 */
export function parseListeners(text: string): Listener[] {
  const listeners: Listener[] = []
  for (const line of text.split('\n').slice(1)) {
    const [, local, , state] = line.trim().split(/\s+/)
    if (state !== LISTEN || !local) continue
    const [hex, port] = local.split(':')
    if (!hex || !port) continue
    listeners.push({ address: formatAddress(addressBytes(hex)), port: parseInt(port, 16) })
  }
  return listeners
}

async function readListeners(): Promise<Listener[]> {
  const listeners: Listener[] = []
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      listeners.push(...parseListeners(await readFile(file, 'utf8')))
    } catch (error) {
      // A kernel without IPv6 has no tcp6; without tcp there is no /proc at all.
      if (file.endsWith('6') && errnoOf(error) === 'ENOENT') continue
      throw error
    }
  }
  return listeners
}

/** True when a listener takes connections to `wanted`: its own address or a wildcard. */
function accepts(listener: Listener, wanted: string): boolean {
  if (listener.address === wanted) return true
  // "::" is dual-stack unless net.ipv6.bindv6only is set, which /proc does not show.
  if (listener.address === '::') return true
  return listener.address === '0.0.0.0' && !wanted.includes(':')
}

const show = (l: Listener): string =>
  l.address.includes(':') ? `[${l.address}]:${l.port}` : `${l.address}:${l.port}`

/** Looks for a listener on the port (and address, if given). Metric: listeners. */
export const run: Runner<'host.port'> = async (spec) => {
  let listeners: Listener[]
  try {
    listeners = await readListeners()
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return procUnavailable('host.port')
    throw error
  }
  const wanted = spec.address === undefined ? undefined : canonicalAddress(spec.address)
  const onPort = listeners.filter((l) => l.port === spec.port)
  const matching = onPort.filter((l) => wanted === undefined || accepts(l, wanted))
  const where =
    wanted === undefined ? `port ${spec.port}` : show({ address: wanted, port: spec.port })
  const assertion = {
    name: `listening on ${where}`,
    ok: matching.length > 0,
    expected: 'a TCP listener',
    actual: onPort.length > 0 ? onPort.map(show).join(', ') : 'none',
  }
  const metrics = { listeners: matching.length }
  if (assertion.ok) return { status: 'up', assertions: [assertion], metrics }
  const others = onPort.length > 0 ? ` (only on ${assertion.actual})` : ''
  return {
    status: 'down',
    error: { code: ERROR_CODES.HOST_PORT_CLOSED, message: `nothing listens on ${where}${others}` },
    assertions: [assertion],
    metrics,
  }
}
