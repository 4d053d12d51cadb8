import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import { DeliveryQueue } from './delivery-queue.ts'

const event = (checkId: string): AlertEvent => ({
  type: 'fired',
  incidentId: `incident-${checkId}`,
  checkId,
  checkName: checkId,
  at: 0,
  regions: ['eu-west'],
  quorum: 1,
  firstError: null,
})

describe('delivery queue groups', () => {
  it('joins the rows of the same channel and key due within the window to their lead', () => {
    const queue = new DeliveryQueue(new Database(':memory:'), 0)
    const lead = queue.enqueue('ops', event('a'), 0, { dueAt: 100, groupKey: 'k' })
    const mate = queue.enqueue('ops', event('b'), 50, { dueAt: 150, groupKey: 'k' })
    const late = queue.enqueue('ops', event('c'), 150, { dueAt: 250, groupKey: 'k' })
    const otherKey = queue.enqueue('ops', event('d'), 10, { dueAt: 110, groupKey: 'j' })
    const otherChannel = queue.enqueue('team', event('e'), 10, { dueAt: 110, groupKey: 'k' })

    const [first] = queue.pending(1)
    expect(first!.id).toBe(lead)
    const members = queue.formGroup(first!, 200)

    expect(members.map((row) => [row.id, row.event.checkId])).toEqual([[mate, 'b']])
    expect(queue.pending(10).map((row) => row.id)).toEqual([lead, otherKey, otherChannel, late])
    expect(queue.get(lead)!.joinedTo).toBe(lead)
    // Formed once: a second call returns the same members and takes no late rows.
    expect(queue.formGroup(queue.get(lead)!, 1_000).map((row) => row.id)).toEqual([mate])
  })

  it('retries and finishes a group together', () => {
    const queue = new DeliveryQueue(new Database(':memory:'), 0)
    const lead = queue.enqueue('ops', event('a'), 0, { groupKey: 'k' })
    const mate = queue.enqueue('ops', event('b'), 0, { groupKey: 'k' })
    const alone = queue.enqueue('ops', event('c'), 0)
    queue.formGroup(queue.get(lead)!, 0)

    queue.reschedule(lead, 1, 500, 'HTTP 503')
    expect(queue.get(mate)).toMatchObject({
      attempts: 1,
      nextAttemptAt: 500,
      lastError: 'HTTP 503',
    })
    expect(queue.get(alone)).toMatchObject({ attempts: 0, nextAttemptAt: 0 })
    expect(queue.pendingByChannel()).toEqual(new Map([['ops', 3]]))

    queue.finish(lead, 'delivered', 2, null)
    expect(queue.get(mate)).toMatchObject({ state: 'delivered', attempts: 2 })
    expect(queue.allPending().map((row) => row.id)).toEqual([alone])
  })

  it('never groups a row without a key, nor a row already tried', () => {
    const queue = new DeliveryQueue(new Database(':memory:'), 0)
    const plain = queue.enqueue('ops', event('a'), 0)
    expect(queue.formGroup(queue.get(plain)!, 100)).toEqual([])
    expect(queue.get(plain)!.joinedTo).toBeNull()

    const lead = queue.enqueue('ops', event('b'), 0, { groupKey: 'k' })
    const tried = queue.enqueue('ops', event('c'), 0, { groupKey: 'k' })
    queue.reschedule(tried, 1, 0, 'HTTP 500')
    expect(queue.formGroup(queue.get(lead)!, 100)).toEqual([])
  })

  it('adds the group columns to a queue created before grouping existed', () => {
    const db = new Database(':memory:')
    db.exec(`
      CREATE TABLE notification_queue (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        event TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
      );
      INSERT INTO notification_queue (channel, event, next_attempt_at, created_at)
        VALUES ('ops', '${JSON.stringify(event('old'))}', 0, 0);
    `)
    const queue = new DeliveryQueue(db, 0)
    expect(queue.pending(10)).toMatchObject([
      { channel: 'ops', groupKey: null, joinedTo: null, event: { checkId: 'old' } },
    ])
  })
})
