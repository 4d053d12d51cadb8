/**
 * DNS records as text, one string per answer, in the order of a zone file
 * (`10 mail.example.com`, SOA as `mname rname serial refresh retry expire minimum`), so
 * that a user writes expectations the way `dig +short` prints answers.
 */
import type { Resolver } from 'node:dns/promises'
import type { DnsRecordType } from '../specs/dns.ts'

/** One query per record type, through Node's resolver; a mapped type, so none is missing. */
const QUERIES: { [T in DnsRecordType]: (resolver: Resolver, name: string) => Promise<string[]> } = {
  A: (resolver, name) => resolver.resolve4(name),
  AAAA: (resolver, name) => resolver.resolve6(name),
  CNAME: (resolver, name) => resolver.resolveCname(name),
  MX: async (resolver, name) =>
    (await resolver.resolveMx(name)).map((mx) => `${mx.priority} ${mx.exchange}`),
  // A TXT record is a list of strings of at most 255 bytes each; readers join them.
  TXT: async (resolver, name) => (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')),
  NS: (resolver, name) => resolver.resolveNs(name),
  SOA: async (resolver, name) => {
    const soa = await resolver.resolveSoa(name)
    const fields = [soa.nsname, soa.hostmaster, soa.serial, soa.refresh, soa.retry, soa.expire]
    return [[...fields, soa.minttl].join(' ')]
  },
}

/**
 * Queries `name` for `type` and returns its answers as normalised text.
 * @throws the resolver's error (`ENOTFOUND`, `ENODATA`, `ETIMEOUT`, ...) when there are none
 */
export async function queryRecords(
  resolver: Resolver,
  name: string,
  type: DnsRecordType,
): Promise<string[]> {
  const answers = await QUERIES[type](resolver, name)
  return answers.map((text) => normalizeRecord(type, text))
}

/** The compressed, lower-case form of an IPv6 address, or the text as is when it is none. */
function canonicalIpv6(text: string): string {
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1)
  } catch {
    return text
  }
}

/**
 * The text answers and expectations are compared as. Domain names are case-insensitive
 * and may end in a root dot, and IPv6 has many spellings, so those are made canonical;
 * TXT is compared exactly.
 * @example normalizeRecord('MX', '10 Mail.Example.com.') // '10 mail.example.com'
 */
export function normalizeRecord(type: DnsRecordType, text: string): string {
  if (type === 'TXT') return text
  const tokens = text.trim().split(/\s+/)
  if (type === 'AAAA') return tokens.map(canonicalIpv6).join(' ')
  return tokens.map((token) => token.toLowerCase().replace(/\.$/, '')).join(' ')
}

/**
 * Answers as one line for an assertion: sorted, TXT quoted (it may hold commas and
 * spaces), `(none)` when empty.
 * @example formatAnswers('A', ['127.0.0.2', '127.0.0.1']) // '127.0.0.1, 127.0.0.2'
 */
export function formatAnswers(type: DnsRecordType, answers: readonly string[]): string {
  if (answers.length === 0) return '(none)'
  const shown = type === 'TXT' ? answers.map((text) => JSON.stringify(text)) : answers
  return [...shown].sort().join(', ')
}
