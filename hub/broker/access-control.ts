/**
 * Authentication and authorization for the embedded broker (aedes hooks).
 *
 * Who may connect:
 * - the hub's own client: username `vantage-hub`, a secret made fresh at every
 *   start, and only over the in-process link (never from the network);
 * - a probe: username = probe id, password = its token (`vantage token create`),
 *   and the MQTT client id `vantage-probe-<id>`, so one probe cannot take over
 *   another's session or fire its Last Will. Its Last Will (sent with CONNECT) must
 *   name the region its token was made for, so a probe started with the wrong
 *   `--region` is refused at once rather than on its first status;
 * - a probe with a verified TLS client certificate and no username: the
 *   certificate's CN is its probe id (only when the hub requires client certificates);
 * - with `--insecure-demo` only: anyone without credentials. Such a client is the
 *   probe named by its client id (`vantage-probe-<id>`, or the whole client id)
 *   and gets exactly that probe's topic rules. Authentication is off, the topic
 *   rules are not, and a probe id that has a token still needs it.
 * Everyone else gets CONNACK 4 (bad username or password) or 5 (not authorized),
 * which probes treat as fatal.
 *
 * MQTT lets a new connection with a client id take over the one that has it. For a
 * probe that is how a second process with the same id (two hosts without `--id`, a
 * copied service file) knocks the real one off, again and again, each reconnect
 * taking it back. So a probe id that is connected is refused with CONNACK 2
 * (identifier rejected) while its connection lives, unless the newcomer is the same
 * probe process reconnecting (the same `instance` in its Last Will). A connection
 * that is really dead goes when the broker's keepalive notices, and the probe
 * retries until then (probe/agent.ts).
 *
 * Replacing aedes' `authorizePublish` drops its built-in `$SYS/` guard; TopicAcl
 * refuses `$`-topics instead. A refused publish closes the connection (aedes has no
 * other answer in MQTT 3.1.1); a refused subscription is granted as 0x80 (failure).
 */
import type { TLSSocket } from 'node:tls'
import type {
  AuthenticateError,
  AuthErrorCode,
  Client,
  ConnectPacket,
  PublishPacket,
  Subscription,
} from 'aedes'
import { PROBE_ID } from '../../checks/wire.ts'
import type { Logger } from '../../lib/logger.ts'
import { HUB_USERNAME, hashToken, sameHash, type CredentialStore } from './credentials.ts'
import { TopicAcl, type Principal } from './topic-acl.ts'

const PROBE_CLIENT_PREFIX = 'vantage-probe-'

/**
 * How long a connect waits for the connection it would replace to close: a probe that
 * disconnects and reconnects at once, or a tool that connects twice in a row, is not a
 * second probe; its DISCONNECT is just still on its way.
 */
const DUPLICATE_GRACE_MS = 1_000

/** A connected client's identity and how it proved it. */
export type Identity =
  | { kind: 'hub' }
  | {
      kind: 'probe'
      probeId: string
      via: 'token' | 'certificate' | 'insecure-demo'
      /** From the token's credential; a status that claims another region is refused. */
      region?: string
      /** The credential the token matched, to notice a revoke or rotate later. */
      tokenHash?: string
    }

interface Refusal {
  returnCode: 2 | 4 | 5
  reason: string
}

export interface AccessControlOptions {
  acl: TopicAcl
  credentials: CredentialStore
  insecureDemo: boolean
  /** The hub's per-process secret. */
  hubSecret: string
  /** True for the hub's in-process link to the broker. */
  isInternal: (client: Client) => boolean
  /** The connected client with this client id, if any. */
  connectedClient: (clientId: string) => Client | undefined
  logger: Logger
}

/** The probe id a client id claims: `vantage-probe-<id>`. */
export function probeIdOfClientId(clientId: string): string | undefined {
  if (!clientId.startsWith(PROBE_CLIENT_PREFIX)) return undefined
  const id = clientId.slice(PROBE_CLIENT_PREFIX.length)
  return PROBE_ID.test(id) ? id : undefined
}

/** The aedes `authenticate`, `authorizePublish` and `authorizeSubscribe` hooks, sharing who each client is. */
export class AccessControl {
  private readonly identities = new WeakMap<Client, Identity>()
  /** Each client's Last Will as sent with CONNECT: its status says which region and instance it is. */
  private readonly wills = new WeakMap<Client, ClaimedStatus>()

  constructor(private readonly options: AccessControlOptions) {}

  /** Decides who `client` is, or why it is refused. Exposed for tests. */
  identify(client: Client, username?: string, password?: Buffer): Identity | Refusal {
    const { credentials, insecureDemo } = this.options
    const secret = password?.toString('utf8')
    const claimed = probeIdOfClientId(client.id)
    if (username === HUB_USERNAME) {
      const ok =
        this.options.isInternal(client) &&
        secret !== undefined &&
        sameHash(hashToken(secret), hashToken(this.options.hubSecret))
      return ok ? { kind: 'hub' } : refuse(4, `"${HUB_USERNAME}" is reserved for the hub itself`)
    }
    if (username) {
      const entry = secret === undefined ? undefined : credentials.verify(username, secret)
      if (!entry)
        return refuse(4, `no valid token for probe "${username}" (unknown, revoked or wrong)`)
      if (claimed !== username) {
        return refuse(5, `probe "${username}" must use client id ${PROBE_CLIENT_PREFIX}${username}`)
      }
      const region = this.wills.get(client)?.region
      if (region !== undefined && region !== entry.region) {
        return refuse(5, `token ${username} is for region ${entry.region}, not ${region}`)
      }
      return {
        kind: 'probe',
        probeId: username,
        via: 'token',
        region: entry.region,
        tokenHash: entry.hash,
      }
    }
    const certName = verifiedCertificateName(client)
    if (certName) {
      if (claimed !== certName) {
        return refuse(
          5,
          `certificate for "${certName}" must use client id ${PROBE_CLIENT_PREFIX}${certName}`,
        )
      }
      return { kind: 'probe', probeId: certName, via: 'certificate' }
    }
    if (!insecureDemo) {
      return refuse(5, 'no credentials: give the probe a token (vantage token create probe ...)')
    }
    const probeId = claimed ?? client.id
    if (!PROBE_ID.test(probeId))
      return refuse(2, `client id "${client.id}" is not a usable probe id`)
    if (credentials.find(probeId)) {
      return refuse(5, `probe "${probeId}" has a token and must use it, even with --insecure-demo`)
    }
    return { kind: 'probe', probeId, via: 'insecure-demo' }
  }

  /** Keeps the Last Will a client sends with CONNECT, for authenticate to read. */
  readonly preConnect = (
    client: Client,
    packet: ConnectPacket,
    done: (error: Error | null, success: boolean) => void,
  ): void => {
    if (packet.will && packet.will.topic.endsWith('/status')) {
      this.wills.set(client, claimedStatus(packet.will.payload))
    }
    done(null, true)
  }

  readonly authenticate = (
    client: Client,
    username: Readonly<string | undefined>,
    password: Readonly<Buffer | undefined>,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void => {
    const identified = this.identify(client, username, password)
    if ('returnCode' in identified) return this.refuse(client, username, identified, done)
    void this.unlessDuplicate(client, identified).then((outcome) => {
      if ('returnCode' in outcome) return this.refuse(client, username, outcome, done)
      this.identities.set(client, outcome)
      this.options.logger.debug(
        { clientId: client.id, ...describe(outcome) },
        'MQTT client authenticated',
      )
      done(null, true)
    })
  }

  /**
   * The identity, or a refusal when a live connection already holds the client id of
   * this probe and is another process (another `instance`), once it has had
   * DUPLICATE_GRACE_MS to go.
   */
  private async unlessDuplicate(client: Client, identity: Identity): Promise<Identity | Refusal> {
    if (identity.kind !== 'probe') return identity
    const holder = () => {
      const existing = this.options.connectedClient(client.id)
      return existing && existing !== client && !existing.closed ? existing : undefined
    }
    const existing = holder()
    if (!existing) return identity
    const instance = this.wills.get(client)?.instance
    if (instance !== undefined && this.wills.get(existing)?.instance === instance) return identity
    const deadline = Date.now() + DUPLICATE_GRACE_MS
    while (holder() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    if (!holder()) return identity
    return refuse(
      2,
      `another probe with id ${identity.probeId} is connected (client id ${client.id}); ` +
        'each probe needs its own --id',
    )
  }

  private refuse(
    client: Client,
    username: string | undefined,
    outcome: Refusal,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    this.options.logger.warn(
      { clientId: client.id, username, reason: outcome.reason },
      'refused an MQTT client',
    )
    const error = Object.assign(new Error(outcome.reason), {
      returnCode: outcome.returnCode as AuthErrorCode,
    })
    done(error, false)
  }

  readonly authorizePublish = (
    client: Client | null,
    packet: PublishPacket,
    done: (error?: Error | null) => void,
  ): void => {
    const identity = client ? this.identities.get(client) : this.willOwner(packet)
    if (identity && this.mayPublish(identity, packet)) return done(null)
    this.options.logger.warn(
      { clientId: client?.id, topic: packet.topic },
      'refused a publish: not allowed for this client; closing its connection',
    )
    done(new Error(`not authorized to publish to ${packet.topic}`))
  }

  readonly authorizeSubscribe = (
    client: Client,
    subscription: Subscription,
    done: (error: Error | null, subscription?: Subscription | null) => void,
  ): void => {
    const identity = this.identities.get(client)
    if (identity && this.options.acl.maySubscribe(principalOf(identity), subscription.topic)) {
      return done(null, subscription)
    }
    this.options.logger.warn(
      { clientId: client.id, topic: subscription.topic },
      'refused a subscription: not allowed for this client',
    )
    done(null, null)
  }

  /** True when `client` logged in with a token that has since been revoked or replaced. */
  isRevoked(client: Client): boolean {
    const identity = this.identities.get(client)
    if (identity?.kind !== 'probe' || identity.via !== 'token') return false
    const current = this.options.credentials.find(identity.probeId)
    return !current || !sameHash(current.hash, identity.tokenHash ?? '')
  }

  identityOf(client: Client): Identity | undefined {
    return this.identities.get(client)
  }

  private mayPublish(identity: Identity, packet: PublishPacket): boolean {
    const { acl } = this.options
    if (!acl.mayPublish(principalOf(identity), packet.topic)) return false
    if (identity.kind !== 'probe' || !identity.region) return true
    if (!acl.isStatusOf(packet.topic, identity.probeId)) return true
    // A token is for one region: a probe may not join another region's rotation.
    const { region } = claimedStatus(packet.payload)
    return region === undefined || region === identity.region
  }

  /**
   * Aedes publishes the wills of dead cluster peers with no client at hand. This
   * broker has no peers, but should one appear, such a will is judged by the probe
   * its client id names.
   */
  private willOwner(packet: PublishPacket): Identity | undefined {
    const clientId = (packet as PublishPacket & { clientId?: string }).clientId
    const probeId = clientId === undefined ? undefined : probeIdOfClientId(clientId)
    return probeId ? { kind: 'probe', probeId, via: 'insecure-demo' } : undefined
  }
}

function refuse(returnCode: Refusal['returnCode'], reason: string): Refusal {
  return { returnCode, reason }
}

function principalOf(identity: Identity): Principal {
  return identity.kind === 'hub' ? identity : { kind: 'probe', probeId: identity.probeId }
}

function describe(identity: Identity): Record<string, string> {
  return identity.kind === 'hub' ? { as: 'hub' } : { as: identity.probeId, via: identity.via }
}

/** What a status payload says about its sender; nothing for an empty or unreadable one. */
interface ClaimedStatus {
  region?: string
  /** The probe process (probe/agent.ts): a reconnect of the same one may take its place. */
  instance?: string
}

function claimedStatus(payload: PublishPacket['payload'] | string): ClaimedStatus {
  if (payload.length === 0) return {}
  try {
    const parsed = JSON.parse(payload.toString()) as { region?: unknown; instance?: unknown } | null
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined)
    return { region: text(parsed?.region), instance: text(parsed?.instance) }
  } catch {
    return {}
  }
}

/** The CN of a client certificate the TLS layer verified against the hub's CA. */
function verifiedCertificateName(client: Client): string | undefined {
  const socket = client.conn as Partial<TLSSocket>
  if (!socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined
  const name: unknown = socket.getPeerCertificate().subject?.CN
  return typeof name === 'string' && PROBE_ID.test(name) ? name : undefined
}
