/**
 * The setup that tests of the real notifier share: loopback sinks, databases and
 * notifiers that are all closed after each test, on one ManualClock.
 */
import { afterEach } from 'vitest'
import type { ChannelConfig } from '../../../checks/validate.ts'
import { ManualClock } from '../../../lib/clock.ts'
import { silentLogger } from '../../../lib/logger.ts'
import { IncidentStore } from '../../incidents/incident-store.ts'
import { openDatabase, type Database } from '../../store/database.ts'
import { createNotifier, type Notifier, type NotifierOptions } from './notifier.ts'
import {
  startWebhookSink,
  type SinkAnswer,
  type WebhookSink,
} from '../../../test/fixtures/scripted-http-sink.ts'

/**
 * Call once at the top of a test file: it registers the afterEach that closes what the
 * tests opened, newest first.
 * @example
 * const { clock, sink, openDb, start } = notifierHarness({ retry: { attempts: 3, baseDelayMs: 0 } })
 */
export function notifierHarness(defaults: Partial<NotifierOptions> = {}) {
  const cleanup: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step()
  })
  const clock = new ManualClock()

  return {
    clock,
    /** Steps run after the test, newest first: push what a test opens by itself. */
    cleanup,
    async sink(script: SinkAnswer[] = [200]): Promise<WebhookSink> {
      const started = await startWebhookSink(script)
      cleanup.push(() => started.close())
      return started
    },
    openDb(file = ':memory:'): Database {
      const db = openDatabase(file)
      cleanup.push(() => {
        db.close()
      })
      return db
    },
    /** A notifier on `db` for `channels`; options override the harness defaults. */
    start(
      db: Database,
      channels: ChannelConfig[],
      overrides: Partial<NotifierOptions> = {},
    ): Notifier {
      const notifier = createNotifier({
        db,
        channels: () => channels,
        incidents: new IncidentStore(db),
        logger: silentLogger(),
        clock,
        project: () => 'Acme',
        ...defaults,
        ...overrides,
      })
      cleanup.push(() => notifier.close())
      return notifier
    },
  }
}
