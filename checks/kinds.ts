/**
 * Every check kind, one entry each, binding the name to its spec module (schema,
 * factory, target line, capability: see specs/kind.ts). The CheckSpec union, the kinds
 * an unknown-kind error lists, the capability a probe needs and the check view's
 * target line are derived from this table.
 *
 * A new kind is its spec module (specs/<kind>.ts), an entry here, and its runner
 * (runners/<kind>.ts), registered in runners/index.ts: that registry is a mapped type
 * over the kinds probes run, so it fails to compile until the runner is there. It is
 * not in this table because the hub loads this table and must not load runner code.
 * The public API (index.ts) exports each factory; kinds.test.ts fails to compile when
 * one is missing. Host kinds enter through specs/host.ts.
 */
import { z } from 'zod'
import { browserKind } from './specs/browser.ts'
import { dnsKind } from './specs/dns.ts'
import { heartbeatKind } from './specs/heartbeat.ts'
import { HOST_CHECK_KINDS } from './specs/host.ts'
import { httpKind } from './specs/http.ts'
import type { Capability, KindDefinition, KindFactory, KindSchema } from './specs/kind.ts'
import { pingKind } from './specs/ping.ts'
import { tcpKind } from './specs/tcp.ts'

/** Keeps the table honest: each entry's key is the `kind` its schema accepts. */
function byKind<
  T extends {
    [K in keyof T]: T[K] extends { schema: infer S extends KindSchema }
      ? z.output<S>['kind'] extends K
        ? unknown
        : "the key must be the schema's kind"
      : never
  },
>(table: T): T {
  return table
}

export const CHECK_KINDS = byKind({
  http: httpKind,
  ping: pingKind,
  tcp: tcpKind,
  dns: dnsKind,
  browser: browserKind,
  heartbeat: heartbeatKind,
  ...HOST_CHECK_KINDS,
})

type KindTable = typeof CHECK_KINDS
export type CheckKind = keyof KindTable
type AnyKindSchema = KindTable[CheckKind]['schema']

/** Every kind, in table order: the order errors list them in. */
export const CHECK_KIND_NAMES = Object.keys(CHECK_KINDS) as readonly CheckKind[]

export const checkSpecSchema = z.discriminatedUnion(
  'kind',
  Object.values(CHECK_KINDS).map((definition) => definition.schema) as [
    AnyKindSchema,
    ...AnyKindSchema[],
  ],
)
export type CheckSpec = z.infer<typeof checkSpecSchema>

/** A check as `monitors.ts` writes it: what the factories return. */
export type CheckInput = { [K in CheckKind]: ReturnType<KindTable[K]['factory']> }[CheckKind]

function definitionOf(kind: CheckKind): KindDefinition<KindSchema, KindFactory> {
  // Each entry is typed by its own kind; one shape serves for what they share.
  return CHECK_KINDS[kind] as KindDefinition<KindSchema, KindFactory>
}

/** The capability a probe needs to run `kind`, if any. */
export function capabilityOf(kind: CheckKind): Capability | undefined {
  return definitionOf(kind).capability
}

/** The longest one run of `spec` may take before run-check gives up on it; see KindDefinition. */
export function runLimitOf(spec: CheckSpec): number | undefined {
  return definitionOf(spec.kind).runLimitMs?.(spec)
}

/** What a check watches, in a few words, as its kind describes it (public text). */
export function targetOf(spec: CheckSpec): string {
  return definitionOf(spec.kind).target(spec)
}
