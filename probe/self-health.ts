/**
 * The probe checks itself before it blames a target: a probe whose
 * disk, resolver or clock is broken would otherwise report healthy services as
 * down and page someone. Each check is a small function with its I/O injected, so
 * the failures are testable without breaking the machine; `SelfHealth` runs them
 * on a timer and keeps the latest report, which the status topic publishes and
 * `markIfUnhealthy` applies to results.
 */
import { randomBytes } from 'node:crypto'
import { lookup as dnsLookup } from 'node:dns/promises'
import { open, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { formatDuration } from '../checks/duration.ts'
import { ERROR_CODES, type CheckResult } from '../checks/result.ts'

export interface HealthReport {
  ok: boolean
  /** Why the probe is unhealthy, one sentence per failing check; empty when ok. */
  reasons: string[]
}

/** Writes, fsyncs and deletes a small file in `dir`; rejects when any step fails. */
export type WriteProbe = (dir: string) => Promise<void>

/** Resolves a name through the system resolver; rejects when it cannot. */
export type Lookup = (name: string) => Promise<unknown>

export async function writeProbeFile(dir: string): Promise<void> {
  const file = join(dir, `.health-${process.pid}-${randomBytes(4).toString('hex')}`)
  const handle = await open(file, 'w')
  try {
    await handle.writeFile('vantage probe self-health\n')
    // The outbox needs more than a page-cache write: a disk that accepts writes but
    // fails to flush them (full, read-only remount, dying) shows up here.
    await handle.sync()
  } finally {
    await handle.close()
    await unlink(file).catch(() => undefined)
  }
}

function errorText(error: unknown): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : (error as Error).message
}

/** Undefined when `dir` takes a durable write, else the reason. */
export async function checkDataDir(
  dir: string,
  write: WriteProbe = writeProbeFile,
): Promise<string | undefined> {
  try {
    await write(dir)
    return undefined
  } catch (error) {
    return `data directory ${dir} is not writable (${errorText(error)})`
  }
}

/** Undefined when the resolver answers for `name` within `timeoutMs`, else the reason. */
export async function checkDns(
  name: string,
  options: { lookup?: Lookup; timeoutMs?: number } = {},
): Promise<string | undefined> {
  const { lookup = (host: string) => dnsLookup(host), timeoutMs = 5_000 } = options
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(
      () =>
        resolve(`DNS resolver did not answer for "${name}" within ${formatDuration(timeoutMs)}`),
      timeoutMs,
    )
  })
  const answered = lookup(name).then(
    () => undefined,
    (error: unknown) => `DNS resolver cannot resolve "${name}" (${errorText(error)})`,
  )
  try {
    return await Promise.race([answered, timedOut])
  } finally {
    clearTimeout(timer)
  }
}

/** Undefined when the clock is within `maxSkewMs` of the hub's (or no ack told us yet), else the reason. */
export function checkClock(offsetMs: number | undefined, maxSkewMs: number): string | undefined {
  if (offsetMs === undefined || Math.abs(offsetMs) <= maxSkewMs) return undefined
  const direction = offsetMs > 0 ? 'behind' : 'ahead of'
  return `clock is ${formatDuration(Math.abs(offsetMs))} ${direction} the hub's (allowed skew ${formatDuration(maxSkewMs)})`
}

/**
 * A `down` result from an unhealthy probe says more about the probe than about the
 * target, so it becomes `inconclusive` (PROBE_UNHEALTHY) and never counts against
 * availability or fires an alert. What the check saw stays in the message. `up` and
 * `degraded` stand: the target answered, whatever the probe's trouble.
 */
export function markIfUnhealthy(result: CheckResult, health: HealthReport): CheckResult {
  if (health.ok || result.status !== 'down') return result
  const saw = result.error ? `; the check saw ${result.error.code}: ${result.error.message}` : ''
  return {
    ...result,
    status: 'inconclusive',
    error: {
      code: ERROR_CODES.PROBE_UNHEALTHY,
      message: `probe unhealthy: ${health.reasons.join('; ')}${saw}`,
    },
  }
}

export interface SelfHealthOptions {
  dataDir: string
  /** Name resolved to prove the resolver answers. */
  dnsName: string
  maxClockSkewMs: number
  /** Hub time minus local time, from acks; undefined until the first ack. */
  clockOffsetMs: () => number | undefined
  write?: WriteProbe
  lookup?: Lookup
  dnsTimeoutMs?: number
  /** Called when a check starts or stops failing, e.g. to republish the status. */
  onChange?: (report: HealthReport) => void
}

type CheckName = 'dataDir' | 'dns' | 'clock'

export class SelfHealth {
  private failing: Partial<Record<CheckName, string>> = {}
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly options: SelfHealthOptions) {}

  /** The latest report; the clock is judged now, from the newest offset estimate. */
  report(): HealthReport {
    const failing = { ...this.failing, clock: this.clockReason() }
    const reasons = Object.values(failing).filter((reason) => reason !== undefined)
    return { ok: reasons.length === 0, reasons }
  }

  /** Runs every check once and returns the new report. */
  async check(): Promise<HealthReport> {
    const before = this.failingKey()
    const [dataDir, dns] = await Promise.all([
      checkDataDir(this.options.dataDir, this.options.write),
      checkDns(this.options.dnsName, {
        lookup: this.options.lookup,
        timeoutMs: this.options.dnsTimeoutMs,
      }),
    ])
    this.failing = { dataDir, dns, clock: this.clockReason() }
    const report = this.report()
    if (this.failingKey() !== before) this.options.onChange?.(report)
    return report
  }

  /** Checks now and then every `intervalMs` until `stop()`. */
  start(intervalMs: number): void {
    const run = () => void this.check()
    run()
    this.timer = setInterval(run, intervalMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private clockReason(): string | undefined {
    return checkClock(this.options.clockOffsetMs(), this.options.maxClockSkewMs)
  }

  /** Which checks fail, not their text: the clock's reason changes with every estimate. */
  private failingKey(): string {
    return (Object.keys(this.failing) as CheckName[])
      .filter((name) => this.failing[name] !== undefined)
      .sort()
      .join(',')
  }
}
