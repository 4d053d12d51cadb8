/**
 * The browser side of a probe, as the agent starts it: find Chromium, launch it once
 * to prove it works, and keep the pool, the artifact spool and the sender that takes
 * the spool to the hub over the probe's own MQTT connection. A probe that cannot
 * launch a browser says why in its log and advertises no `browser` capability; it does
 * not fail.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserEngine } from '../../checks/browser/engine.ts'
import type { Topics } from '../../checks/wire.ts'
import type { Logger } from '../../lib/logger.ts'
import type { ArtifactSender } from '../artifacts/sender.ts'
import type { ArtifactSpool } from '../artifacts/spool.ts'
import { findChromium } from './find-chromium.ts'
import type { BrowserPool } from './pool.ts'

export interface ProbeBrowserOptions {
  probeId: string
  dataDir: string
  topics: Topics
  /** The probe's MQTT connection, for the artifacts. */
  link: { connected: () => boolean; publish: (topic: string, payload: Buffer) => Promise<void> }
  logger: Logger
  /** Attempts at once; default from the machine's memory (pool.ts). */
  concurrency?: number
  /** False turns browser checks off on this probe (`--no-browser`). */
  enabled?: boolean
  /** Per run and total caps of the artifact spool. */
  maxRunArtifactBytes?: number
  maxSpoolBytes?: number
}

export interface ProbeBrowser {
  /** What it adds to the probe's capabilities: `browser`, or nothing. */
  capabilities: string[]
  /** For run-check; undefined without a browser. */
  engine: BrowserEngine | undefined
  /** Topics to subscribe to on every connect. */
  subscriptions: string[]
  /** Takes the messages of its topics; false for any other. */
  handle(topic: string, payload: Buffer): boolean
  /** The connection is (back) up: send what waits. */
  connected(): void
  stop(): Promise<void>
}

const NONE: ProbeBrowser = {
  capabilities: [],
  engine: undefined,
  subscriptions: [],
  handle: () => false,
  connected: () => undefined,
  stop: async () => undefined,
}

async function launch(
  options: ProbeBrowserOptions,
  onArtifacts: () => void,
): Promise<{ pool: BrowserPool; spool: ArtifactSpool } | undefined> {
  const { logger } = options
  if (options.enabled === false) {
    logger.info('browser checks are turned off on this probe (--no-browser)')
    return undefined
  }
  const found = findChromium()
  if (!found.ok) {
    logger.info({ reason: found.reason }, 'no browser capability')
    return undefined
  }
  // Imported once the probe has a browser to run: without one (--no-browser, or no
  // Chromium) the pool, the spool and their dependencies cost it memory for nothing.
  const [{ ArtifactSpool }, { BrowserPool }] = await Promise.all([
    import('../artifacts/spool.ts'),
    import('./pool.ts'),
  ])
  const root = join(options.dataDir, 'artifacts')
  const workDir = join(root, 'staging')
  // A run cut short by a restart left its staging behind; its result never went out.
  rmSync(workDir, { recursive: true, force: true })
  const spool = new ArtifactSpool({
    dir: join(root, 'outgoing'),
    maxRunBytes: options.maxRunArtifactBytes,
    maxTotalBytes: options.maxSpoolBytes,
    logger,
    onAdded: onArtifacts,
  })
  const pool = new BrowserPool({
    chromium: found.location,
    workDir,
    sink: spool,
    concurrency: options.concurrency,
    logger,
  })
  try {
    await pool.start()
  } catch (error) {
    logger.warn(
      { err: (error as Error).message, chromium: found.location.path },
      'no browser capability: Chromium would not start',
    )
    await pool.stop()
    return undefined
  }
  logger.info(
    {
      chromium: found.location.path,
      source: found.location.source,
      concurrency: pool.concurrency,
    },
    'browser capability ready',
  )
  return { pool, spool }
}

/** The probe's browser; without one, a ProbeBrowser that adds and does nothing. */
export async function startProbeBrowser(options: ProbeBrowserOptions): Promise<ProbeBrowser> {
  let sender: ArtifactSender | undefined
  const started = await launch(options, () => sender?.kick())
  if (!started) return NONE
  const { topics, probeId, link } = options
  const acks = topics.artifactAcks(probeId)
  const { ArtifactSender } = await import('../artifacts/sender.ts')
  // Artifacts go their own way, so that a large trace never holds a result back.
  sender = new ArtifactSender({
    spool: started.spool,
    topic: topics.artifacts(probeId),
    connected: link.connected,
    publish: link.publish,
    logger: options.logger,
  })
  const running = sender
  return {
    capabilities: ['browser'],
    engine: started.pool,
    subscriptions: [acks],
    handle(topic, payload) {
      if (topic !== acks) return false
      running.handleAck(payload)
      return true
    },
    connected: () => running.kick(),
    async stop() {
      running.close()
      await started.pool.stop()
    },
  }
}
