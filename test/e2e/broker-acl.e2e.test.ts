/**
 * Access control on both brokers Vantage supports, with the same scenario: the
 * embedded aedes broker (in process, tokens in credentials.json) and a real
 * Mosquitto configured by `vantage infra mosquitto` and `vantage token create
 * --mosquitto-passwd`. A probe may use its own topics only; anonymous clients,
 * wrong passwords and revoked tokens are refused; and a hub on either broker counts a
 * probe's results only for the region its token was made for (with Mosquitto, which
 * cannot tell, the hub reads the region from its credentials file).
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedBroker, type EmbeddedBroker } from '../../hub/broker/embedded-broker.ts'
import {
  createProbeToken,
  credentialsPath,
  revokeProbeToken,
} from '../../hub/broker/credentials.ts'
import { silentLogger } from '../../lib/logger.ts'
import { makeResult } from '../fixtures/results.ts'
import { startTestHub, type TestHub } from '../fixtures/test-hub.ts'
import { mosquittoWorks } from '../fixtures/mosquitto.ts'
import {
  connectClient,
  publishOnce,
  refusalCode,
  type ClientOptions,
  type TestClient,
} from '../fixtures/mqtt-clients.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import {
  startSecuredMosquitto,
  type Credentials,
  type SecuredMosquitto,
} from '../fixtures/secured-mosquitto.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { waitFor } from './processes.ts'

const T = 'vantage/v1'
const PROBES = ['eu-west-1', 'eu-west-2', 'eu-west-3'] as const
type ProbeId = (typeof PROBES)[number]
/** Each observer needs its own client id: a second one would take over the first's session. */
let observers = 0
const observerId = () => `vantage-hub-observer-${(observers += 1)}`

interface AclBroker {
  url: string
  /** A client with the hub's rights. */
  observer(): Promise<TestClient>
  credentials: Record<ProbeId, Credentials>
  revoke(probeId: ProbeId): Promise<void>
  /** Aedes refuses a subscription outright (0x80); Mosquitto 2.0 may grant it and deliver nothing. */
  refusesSubscriptions: boolean
  /** Aedes closes a connection that publishes out of bounds; Mosquitto acks and drops. */
  refusedPublish: 'acked' | 'disconnected'
  /** A hub on the same credentials; `url` is where its probes connect. */
  startHub(monitors: object): Promise<{ hub: TestHub; url: string }>
  close(): Promise<void>
}

/** A broker keeping its files in `dir`, which the caller removes. */
type StartBroker = (dir: string) => Promise<AclBroker>

const embeddedBroker: StartBroker = async (dir) => {
  const file = credentialsPath(dir)
  const credentials = Object.fromEntries(
    PROBES.map((id) => [
      id,
      { username: id, password: createProbeToken(file, { probeId: id, region: 'eu-west' }).token },
    ]),
  ) as Record<ProbeId, Credentials>
  const broker: EmbeddedBroker = await startEmbeddedBroker({
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger(),
    credentialsFile: file,
  })
  const internal = broker.internalClient()
  return {
    url: broker.url,
    observer: () =>
      connectClient(internal.streamBuilder, {
        clientId: observerId(),
        username: internal.username,
        password: internal.password,
      }),
    credentials,
    revoke: async (probeId) => void revokeProbeToken(file, probeId),
    refusesSubscriptions: true,
    refusedPublish: 'disconnected',
    async startHub(monitors) {
      // Its own embedded broker, on the same credentials file.
      const hub = await startTestHub(monitors, { dataDir: dir, insecureDemo: false })
      return { hub, url: hub.mqttUrl }
    },
    close: () => broker.close(),
  }
}

const securedMosquitto: StartBroker = async (dir) => {
  const broker: SecuredMosquitto = await startSecuredMosquitto(join(dir, 'hub'))
  const credentials = {} as Record<ProbeId, Credentials>
  for (const id of PROBES) credentials[id] = await broker.createProbe(id, 'eu-west')
  return {
    url: broker.url,
    observer: () => connectClient(broker.url, { clientId: observerId(), ...broker.hub }),
    credentials,
    revoke: (probeId) => broker.revokeProbe(probeId),
    refusesSubscriptions: false,
    refusedPublish: 'acked',
    async startHub(monitors) {
      const hub = await startTestHub(monitors, {
        dataDir: join(dir, 'hub'),
        brokerUrl: broker.url,
        brokerUsername: broker.hub.username,
        brokerPassword: broker.hub.password,
      })
      return { hub, url: broker.url }
    },
    close: () => broker.stop(),
  }
}

const brokers: Array<[string, boolean, StartBroker]> = [
  ['the embedded broker', true, embeddedBroker],
  ['a real Mosquitto', toolAvailable('mosquitto', mosquittoWorks()), securedMosquitto],
]

describe.each(brokers)('access control on %s', (_name, available, start) => {
  const dir = useTempDir('vantage-acl-')
  let broker: AclBroker
  let observer: TestClient
  const as = (probeId: ProbeId): ClientOptions => ({
    clientId: `vantage-probe-${probeId}`,
    ...broker.credentials[probeId],
  })

  beforeAll(async () => {
    if (!available) return
    broker = await start(dir.path)
    observer = await broker.observer()
    await observer.subscribe([`${T}/#`, '$SYS/vantage-test'])
  })

  afterAll(async () => {
    await observer?.end()
    await broker?.close()
  })

  it.runIf(available)('lets a probe use its own topics', async () => {
    const probe = await connectClient(broker.url, as('eu-west-2'))
    const grants = await probe.subscribe([
      `${T}/config`,
      `${T}/probes/+/status`,
      `${T}/probes/eu-west-2/acks`,
      `${T}/probes/eu-west-2/commands`,
    ])
    expect(grants).toEqual([1, 1, 1, 1])
    await probe.client.publishAsync(`${T}/probes/eu-west-2/status`, 'online', { qos: 1 })
    await probe.client.publishAsync(`${T}/results/0/eu-west-2`, 'batch', { qos: 1 })
    await observer.next(`${T}/probes/eu-west-2/status`, 'online')
    await observer.next(`${T}/results/0/eu-west-2`, 'batch')
    await observer.client.publishAsync(`${T}/probes/eu-west-2/commands`, 'run', { qos: 1 })
    await probe.next(`${T}/probes/eu-west-2/commands`, 'run')
    await probe.end()
  })

  it.runIf(available)('keeps a probe from publishing as another probe or to config', async () => {
    const forbidden = [
      `${T}/probes/eu-west-1/status`,
      `${T}/results/0/eu-west-1`,
      `${T}/config`,
      `${T}/probes/eu-west-1/acks`,
      `${T}/probes/eu-west-1/commands`,
      '$SYS/vantage-test',
    ]
    for (const topic of forbidden) {
      const outcome = await publishOnce(broker.url, as('eu-west-2'), topic, 'forged', true)
      expect(outcome, topic).toBe(broker.refusedPublish)
    }
    // Messages from one client arrive in order: once this one is in, the forged ones never will be.
    await publishOnce(broker.url, as('eu-west-2'), `${T}/probes/eu-west-2/status`, 'marker')
    await observer.next(`${T}/probes/eu-west-2/status`, 'marker')
    expect(observer.received.filter((m) => m.payload === 'forged')).toEqual([])
    // Nothing forged was retained either: a fresh subscriber to config gets nothing
    // before a marker published after it subscribed, for a retained message of a
    // subscription comes before anything published later.
    const late = await broker.observer()
    const topics = [`${T}/config`, `${T}/probes/eu-west-1/status`]
    await late.subscribe(topics)
    for (const topic of topics)
      await observer.client.publishAsync(topic, 'marker', { qos: 1, retain: false })
    for (const topic of topics) await late.next(topic, 'marker')
    expect(late.received).toEqual(topics.map((topic) => ({ topic, payload: 'marker' })))
    await late.end()
  })

  it.runIf(available)(
    'keeps a probe from reading another probe\u2019s commands and acks',
    async () => {
      const snoop = await connectClient(broker.url, as('eu-west-2'))
      const grants = await snoop.subscribe([
        `${T}/probes/eu-west-1/commands`,
        `${T}/probes/eu-west-1/acks`,
        `${T}/probes/+/commands`,
        '#',
      ])
      if (broker.refusesSubscriptions) expect(grants).toEqual([128, 128, 128, 128])
      await snoop.subscribe([`${T}/probes/eu-west-2/commands`])
      await observer.client.publishAsync(`${T}/probes/eu-west-1/commands`, 'secret', { qos: 1 })
      await observer.client.publishAsync(`${T}/probes/eu-west-1/acks`, 'secret', { qos: 1 })
      await observer.client.publishAsync(`${T}/probes/eu-west-2/commands`, 'marker', { qos: 1 })
      await snoop.next(`${T}/probes/eu-west-2/commands`, 'marker')
      expect(snoop.received.filter((m) => m.payload === 'secret')).toEqual([])
      await snoop.end()
    },
  )

  it.runIf(available)('refuses anonymous clients and wrong passwords', async () => {
    expect(await refusalCode(broker.url, { clientId: 'vantage-probe-eu-west-2' })).toBe(5)
    const wrong = await refusalCode(broker.url, { ...as('eu-west-2'), password: 'not-the-token' })
    // Aedes says "bad username or password" (4); Mosquitto 2.0 says "not authorized" (5).
    expect([4, 5]).toContain(wrong)
    const swapped = await refusalCode(broker.url, {
      ...as('eu-west-2'),
      password: broker.credentials['eu-west-1'].password,
    })
    expect([4, 5]).toContain(swapped)
  })

  it.runIf(available)('refuses a revoked token, and drops the probe that used it', async () => {
    const connected = await connectClient(broker.url, as('eu-west-3'))
    await broker.revoke('eu-west-3')
    expect([4, 5]).toContain(await refusalCode(broker.url, as('eu-west-3')))
    await waitFor('the revoked probe to be disconnected', () => connected.closed(), 10_000)
    expect(await refusalCode(broker.url, as('eu-west-2'))).toBe(0)
  })

  it.runIf(available)(
    'counts a probe\u2019s results only for its token\u2019s region',
    async () => {
      const { hub, url } = await broker.startHub({
        defaults: { regions: ['eu-west', 'us-east', 'ap-south'], every: '1m' },
        checks: [{ kind: 'http', id: 'api', url: 'http://127.0.0.1:9/' }],
      })
      try {
        const probe = await connectClient(url, as('eu-west-2'))
        await probe.subscribe([`${T}/probes/eu-west-2/acks`])
        const results = ['eu-west', 'us-east', 'ap-south'].map((region) =>
          makeResult({ checkId: 'api', probeId: 'eu-west-2', region, scheduledAt: Date.now() }),
        )
        const batch = { batchId: 'b1', probeId: 'eu-west-2', region: 'us-east', sentAt: 1, results }
        await probe.client.publishAsync(`${T}/results/0/eu-west-2`, JSON.stringify(batch), {
          qos: 1,
        })
        await probe.next(`${T}/probes/eu-west-2/acks`)
        expect(hub.results.recent('api', 10).map((result) => result.region)).toEqual(['eu-west'])
        expect(hub.ingest.counters.rejectedResults).toBe(2)
        await probe.end()
      } finally {
        await hub.close()
      }
    },
  )
})
