import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startDeadline } from './deadline.ts'

describe('startDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('keeps back 10% of the timeout, 1s at most', () => {
    const run = new AbortController().signal
    expect(startDeadline('500ms', run).budgetMs).toBe(450)
    expect(startDeadline('5s', run).budgetMs).toBe(4_500)
    expect(startDeadline('30s', run).budgetMs).toBe(29_000)
  })

  it('aborts at the budget and says that it passed', () => {
    const deadline = startDeadline('1s', new AbortController().signal)
    vi.advanceTimersByTime(899)
    expect(deadline.signal.aborted).toBe(false)
    vi.advanceTimersByTime(1)
    expect(deadline.signal.aborted).toBe(true)
    expect(deadline.passed()).toBe(true)
  })

  it('aborts with the run, which is not its own deadline passing', () => {
    const run = new AbortController()
    const deadline = startDeadline('1s', run.signal)
    run.abort(new Error('run timeout'))
    expect(deadline.signal.aborted).toBe(true)
    expect(deadline.passed()).toBe(false)
  })

  it('does nothing once cleared', () => {
    const run = new AbortController()
    const deadline = startDeadline('1s', run.signal)
    deadline.clear()
    vi.advanceTimersByTime(5_000)
    run.abort()
    expect(deadline.signal.aborted).toBe(false)
  })
})
