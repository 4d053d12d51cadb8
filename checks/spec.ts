/**
 * CheckSpec: the validated, defaults-applied form of every check. It is what the
 * hub stores, what goes into the probe bundle and what runners receive.
 * A discriminated union on `kind`, built from the kinds table (kinds.ts); each kind
 * adds its own fields to the common ones.
 */
import type { CheckKind, CheckSpec } from './kinds.ts'
import { isHostKind } from './specs/host.ts'
import type { Quorum } from './specs/common.ts'

export { checkSpecSchema, type CheckKind, type CheckSpec } from './kinds.ts'

export {
  alertPolicySchema,
  durationSchema,
  flappingSchema,
  quorumSchema,
  remediationSchema,
  type AlertPolicy,
  type FlappingThresholds,
  type Quorum,
  type RemediationAction,
} from './specs/common.ts'
export {
  DEFAULT_HEARTBEAT_GRACE,
  HUB_REGION,
  heartbeatSpecSchema,
  type HeartbeatSpec,
} from './specs/heartbeat.ts'
export {
  httpSpecSchema,
  statusExpectationSchema,
  type HttpSpec,
  type StatusExpectation,
} from './specs/http.ts'
export { pingSpecSchema, type PingSpec } from './specs/ping.ts'
export { tcpSpecSchema, tcpTarget, type BannerExpectation, type TcpSpec } from './specs/tcp.ts'
export {
  DNS_RCODES,
  DNS_RECORD_TYPES,
  dnsSpecSchema,
  formatDnsServer,
  parseDnsServer,
  type DnsRcode,
  type DnsRecordType,
  type DnsSpec,
} from './specs/dns.ts'
export { HOST_KINDS, isHostKind, type HostKind } from './specs/host.ts'
export {
  describeSelector,
  hostSelectorSchema,
  selects,
  type HostSelector,
  type SelectableProbe,
} from './specs/host-common.ts'
export type { HostCommandSpec } from './specs/host-command.ts'
export type { HostDiskSpec } from './specs/host-disk.ts'
export type { HostFileSpec } from './specs/host-file.ts'
export type { HostPortSpec } from './specs/host-port.ts'
export type { HostProcessSpec } from './specs/host-process.ts'
export type { HostReadOnlySpec } from './specs/host-read-only.ts'
export type { HostSystemdSpec } from './specs/host-systemd.ts'

export type SpecOf<K extends CheckKind> = Extract<CheckSpec, { kind: K }>

/** Kinds that probes run. Heartbeats are pushed to the hub instead: no runner, no bundle entry. */
export type ProbeKind = Exclude<CheckKind, 'heartbeat'>
export type ProbeSpec = SpecOf<ProbeKind>

/** True for checks that probes run; false for heartbeats, which only the hub watches. */
export function runsOnProbes<S extends Pick<CheckSpec, 'kind'>>(
  spec: S,
): spec is Exclude<S, { kind: 'heartbeat' }> {
  return spec.kind !== 'heartbeat'
}

/**
 * The regions a check runs in, or null for host checks, which run on the probes they
 * select (`on`) and have no regions.
 * @example regionsOf(httpSpec) // ['eu-west', 'us-east']
 */
export function regionsOf(spec: { kind: string; regions?: string[] }): string[] | null {
  return isHostKind(spec.kind) ? null : (spec.regions ?? null)
}

/**
 * The series of a check that a result belongs to: its region, or for host checks the
 * probe that ran it, since every selected host is judged on its own.
 */
export function seriesOf(result: { kind: string; region: string; probeId: string }): string {
  return isHostKind(result.kind) ? result.probeId : result.region
}

/**
 * The number of failing regions a quorum asks for out of `regions`: a count is capped
 * at the region count, a share is rounded up (`'50%'` of 3 is 2), and the default is a
 * majority but at least 2 when there are 2 or more regions, so one vantage point alone
 * never pages: 1 → 1, 2 → 2, 3 → 2, 4 → 3, 5 → 3.
 */
export function resolveQuorum(quorum: Quorum | undefined, regions: number): number {
  if (regions <= 1) return 1
  if (quorum === undefined) return Math.max(2, Math.floor(regions / 2) + 1)
  if (typeof quorum === 'number') return Math.min(quorum, regions)
  const share = Number(quorum.slice(0, -1)) / 100
  return Math.min(regions, Math.max(1, Math.ceil(share * regions - 1e-9)))
}

/**
 * The quorum in force for a check: its own, or the default majority (resolveQuorum).
 * Host checks have a quorum of 1: any failing host makes the check DOWN.
 */
export function effectiveQuorum(spec: {
  kind: string
  regions?: string[]
  alert: { quorum?: Quorum }
}): number {
  const regions = regionsOf(spec)?.length
  if (regions === undefined) return 1
  return resolveQuorum(spec.alert.quorum, regions)
}
