/**
 * The config bundle: the checks the hub publishes (retained) to every probe.
 * It is signed with the hub's ed25519 key; the envelope carries the exact signed
 * bytes so that probes verify what they will parse, not a re-serialisation.
 * Bundles never carry alert channels or secrets, nor heartbeats: those are watched
 * by the hub alone, and an older probe that does not know the kind would otherwise
 * reject the whole bundle.
 */
import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto'
import { z } from 'zod'
import {
  decodePublicKey,
  encodePublicKey,
  fingerprintOf,
  type HubTrust,
} from './hub-fingerprint.ts'
import { checkSpecSchema, runsOnProbes, type CheckSpec, type ProbeSpec } from './spec.ts'

/**
 * Check fields only the hub reads: routing, dependencies, remediation (may hold URLs and
 * headers), the latency watch and the Prometheus opt-in. Left out of bundles, also so that a probe older than
 * the field does not reject the bundle.
 */
type HubOnlyField = 'notify' | 'dependsOn' | 'remediate' | 'anomaly' | 'metrics'

/** A check as probes see it: no notification routing. Distributes over the union so per-kind fields survive. */
export type ProbeCheck = ProbeSpec extends infer S
  ? S extends ProbeSpec
    ? Omit<S, HubOnlyField>
    : never
  : never

export const bundleSchema = z.strictObject({
  /** Monotonic deploy number; probes ignore a bundle older than the one they run. */
  seq: z.int().nonnegative(),
  /** `${seq}-${hash}`; stamped on every result as configVersion. */
  version: z.string().min(1),
  createdAt: z.int().nonnegative(),
  checks: z.array(checkSpecSchema),
})
export type Bundle = z.infer<typeof bundleSchema>

/**
 * Not strict: fields added later (as `publicKey` was) are ignored by older probes
 * rather than making them reject every bundle. Nothing outside `bundle` is trusted.
 */
export const envelopeSchema = z.object({
  bundle: z.string().min(1),
  sig: z.string().min(1),
  keyId: z.string().min(1),
  /**
   * The signing key (base64 SPKI DER), for probes that pin its fingerprint instead of
   * holding the key file. A probe with the key file ignores it.
   */
  publicKey: z.string().min(1).optional(),
})
export type BundleEnvelope = z.infer<typeof envelopeSchema>

/** A short, stable id for a public key: the first 16 hex digits of its SHA-256. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(der).digest('hex').slice(0, 16)
}

/**
 * The checks as probes get them: heartbeats, routing to alert channels and the latency
 * watch (`anomaly`, `expect.latency`) stay on the hub.
 */
export function toProbeChecks(checks: CheckSpec[]): ProbeCheck[] {
  return checks.filter(runsOnProbes).map((check) => {
    const {
      notify: _n,
      dependsOn: _d,
      remediate: _r,
      anomaly: _a,
      metrics: _m,
      ...rest
    } = check as CheckSpec & {
      anomaly?: boolean
    }
    const expect = (rest as { expect?: Record<string, unknown> }).expect
    if (expect?.latency === undefined) return rest as ProbeCheck
    const { latency: _latency, ...probeExpect } = expect
    return { ...rest, expect: probeExpect } as ProbeCheck
  })
}

/** A short content hash of the probe checks; equal checks give an equal hash. */
export function checksHash(checks: CheckSpec[]): string {
  return createHash('sha256')
    .update(JSON.stringify(toProbeChecks(checks)))
    .digest('hex')
    .slice(0, 8)
}

/** A browser check's secret by name, from the hub's environment; undefined when unset. */
export type SecretSource = (name: string) => string | undefined

/**
 * Fills in the values of browser checks' `secrets` (names of the hub's environment
 * variables): the script reads them on the probe, and the monitors file never holds them.
 */
function withSecrets(checks: ProbeCheck[], secret: SecretSource): ProbeCheck[] {
  return checks.map((check) => {
    if (check.kind !== 'browser' || check.secrets.length === 0) return check
    const values: Record<string, string> = {}
    for (const name of check.secrets) {
      const value = secret(name)
      if (value !== undefined) values[name] = value
    }
    return { ...check, secretValues: values }
  })
}

/**
 * Builds the bundle for deploy number `seq`. Secret values change the version (not the
 * seq), so that probes take a bundle whose only change is a rotated secret.
 */
export function buildBundle(
  checks: CheckSpec[],
  seq: number,
  now: number,
  secret: SecretSource = () => undefined,
): Bundle {
  const probeChecks = withSecrets(toProbeChecks(checks), secret)
  const secrets = probeChecks.flatMap((check) =>
    check.kind === 'browser' && check.secretValues ? [[check.id, check.secretValues]] : [],
  )
  const hash =
    secrets.length === 0
      ? checksHash(checks)
      : createHash('sha256')
          .update(`${checksHash(checks)}\u0000${JSON.stringify(secrets)}`)
          .digest('hex')
          .slice(0, 8)
  return { seq, version: `${seq}-${hash}`, createdAt: now, checks: probeChecks as CheckSpec[] }
}

export function signBundle(bundle: Bundle, privateKey: KeyObject): BundleEnvelope {
  const bytes = Buffer.from(JSON.stringify(bundle))
  const publicKey = createPublicKey(privateKey)
  return {
    bundle: bytes.toString('base64'),
    sig: sign(null, bytes, privateKey).toString('base64'),
    keyId: keyIdOf(publicKey),
    publicKey: encodePublicKey(publicKey),
  }
}

export type OpenedBundle = { ok: true; bundle: Bundle } | { ok: false; error: string }

/**
 * The key to verify an envelope with: the trusted key itself, or the key the envelope
 * brings when its fingerprint is the pinned one.
 */
function verifyingKey(
  envelope: BundleEnvelope,
  trust: HubTrust,
): { ok: true; key: KeyObject } | { ok: false; error: string } {
  if (trust instanceof KeyObject) return { ok: true, key: trust }
  if (!envelope.publicKey) {
    return {
      ok: false,
      error:
        'config envelope carries no public key to check against the pinned fingerprint ' +
        '(an older hub?); give the probe the key file instead: --hub-key hub-key.pub.pem',
    }
  }
  let offered: KeyObject
  try {
    offered = decodePublicKey(envelope.publicKey)
  } catch (error) {
    return {
      ok: false,
      error: `config envelope's public key is invalid: ${(error as Error).message}`,
    }
  }
  const fingerprint = fingerprintOf(offered)
  if (offered.asymmetricKeyType !== 'ed25519' || fingerprint !== trust.fingerprint) {
    return {
      ok: false,
      error: `config is signed by key ${fingerprint}, not by the pinned hub key ${trust.fingerprint}`,
    }
  }
  return { ok: true, key: offered }
}

/**
 * Parses an envelope from the wire, verifies its signature when the probe trusts a
 * key (given, or pinned by fingerprint), and validates the bundle. Never throws: a
 * bad bundle is reported, not fatal.
 */
export function openBundle(payload: Buffer | string, trust?: HubTrust): OpenedBundle {
  let json: unknown
  try {
    json = JSON.parse(payload.toString())
  } catch (error) {
    return { ok: false, error: `config is not JSON: ${(error as Error).message}` }
  }
  const envelope = envelopeSchema.safeParse(json)
  if (!envelope.success)
    return { ok: false, error: `config envelope is invalid: ${z.prettifyError(envelope.error)}` }
  const bytes = Buffer.from(envelope.data.bundle, 'base64')
  if (trust) {
    const key = verifyingKey(envelope.data, trust)
    if (!key.ok) return key
    const valid = verify(null, bytes, key.key, Buffer.from(envelope.data.sig, 'base64'))
    if (!valid)
      return {
        ok: false,
        error: `config signature does not verify with hub key ${keyIdOf(key.key)}`,
      }
  }
  let inner: unknown
  try {
    inner = JSON.parse(bytes.toString('utf8'))
  } catch (error) {
    return { ok: false, error: `config bundle is not JSON: ${(error as Error).message}` }
  }
  const bundle = bundleSchema.safeParse(inner)
  if (!bundle.success)
    return { ok: false, error: `config bundle is invalid: ${z.prettifyError(bundle.error)}` }
  return { ok: true, bundle: bundle.data }
}
