import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  encodeArtifactChunk,
  type ArtifactAck,
  type ArtifactChunkHeader,
} from '../../checks/artifact-wire.ts'
import { silentLogger } from '../../lib/logger.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { openDatabase } from '../store/database.ts'
import { ArtifactReceiver } from './artifact-receiver.ts'
import { ArtifactStore } from './artifact-store.ts'

const RESULT = '01JAAAAAAAAAAAAAAAAAAAAAAA'
const file = Buffer.from('0123456789'.repeat(10))
const sha = createHash('sha256').update(file).digest('hex')

function setup(dir = tempDir('vantage-receiver-'), db = openDatabase(':memory:')) {
  const acks: ArtifactAck[] = []
  const store = new ArtifactStore({ db, dir: join(dir, 'artifacts'), logger: silentLogger() })
  const receiver = new ArtifactReceiver({
    store,
    partialDir: join(dir, 'partial'),
    knownCheck: (id) => id === 'checkout',
    ack: (_probe, ack) => acks.push(ack),
    maxFileBytes: 1_000,
    now: () => 1_000,
    logger: silentLogger(),
  })
  return { dir, db, store, receiver, acks }
}

function chunk(offset: number, length: number, header: Partial<ArtifactChunkHeader> = {}) {
  return encodeArtifactChunk(
    {
      resultId: RESULT,
      checkId: 'checkout',
      name: 'trace.zip',
      type: 'trace',
      size: file.length,
      sha256: sha,
      offset,
      createdAt: 500,
      status: 'down',
      ...header,
    },
    file.subarray(offset, offset + length),
  )
}

describe('ArtifactReceiver', () => {
  it('stores a file sent in chunks, answering how much it holds after each', async () => {
    const { receiver, acks, store } = setup()
    await receiver.handle('eu-1', chunk(0, 40))
    await receiver.handle('eu-1', chunk(40, 40))
    await receiver.handle('eu-1', chunk(80, 20))
    expect(acks.map((ack) => [ack.received, ack.done])).toEqual([
      [40, false],
      [80, false],
      [100, true],
    ])
    expect(store.file(RESULT, 'trace.zip')).toMatchObject({
      probeId: 'eu-1',
      bytes: 100,
      status: 'down',
    })
  })

  it('does not write a chunk that does not start where it is, and says where to go on', async () => {
    const { receiver, acks } = setup()
    await receiver.handle('eu-1', chunk(0, 40))
    await receiver.handle('eu-1', chunk(0, 40))
    await receiver.handle('eu-1', chunk(80, 20))
    expect(acks.map((ack) => ack.received)).toEqual([40, 40, 40])
  })

  it('resumes after a restart from the partial file on disk', async () => {
    const first = setup()
    await first.receiver.handle('eu-1', chunk(0, 60))
    const again = setup(first.dir, first.db)
    await again.receiver.handle('eu-1', chunk(0, 40))
    expect(again.acks[0]).toMatchObject({ received: 60, done: false })
    await again.receiver.handle('eu-1', chunk(60, 40))
    expect(again.acks[1]).toMatchObject({ received: 100, done: true })
  })

  it('asks again for a file whose hash does not match, and answers a stored one as done', async () => {
    const { receiver, acks } = setup()
    await receiver.handle('eu-1', chunk(0, 100, { sha256: 'e'.repeat(64) }))
    expect(acks[0]).toMatchObject({ received: 0, done: false })
    await receiver.handle('eu-1', chunk(0, 100))
    await receiver.handle('eu-1', chunk(0, 100))
    expect(acks.slice(1).map((ack) => ack.done)).toEqual([true, true])
  })

  it('refuses a file over the cap and a check that is not deployed', async () => {
    const { receiver, acks } = setup()
    await receiver.handle('eu-1', chunk(0, 10, { size: 5_000 }))
    await receiver.handle('eu-1', chunk(0, 10, { checkId: 'gone' }))
    expect(acks.map((ack) => ack.refused)).toEqual([
      "5000 bytes is over the hub's 1000-byte cap per file",
      'no browser check "gone" is deployed',
    ])
  })
})
