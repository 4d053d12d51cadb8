/**
 * The demo's fake cron job: every `everyMs` it "runs" for a moment and reports to
 * its heartbeat URL, like a real job would with curl. It succeeds while the demo
 * target is up and reports a failure while it is down (the job needs the API), so
 * the heartbeat check moves with the outage. The ping URL comes from the hub's
 * heartbeat list, which the hub shows to loopback clients.
 */
export interface DemoCron {
  stop(): void
}

export function startDemoCron(options: {
  hubUrl: string
  checkId: string
  everyMs: number
  targetUp: () => boolean
  onError: (message: string) => void
}): DemoCron {
  let stopped = false
  let timer: NodeJS.Timeout | undefined

  async function pingUrl(): Promise<string | undefined> {
    const response = await fetch(`${options.hubUrl}/api/v1/heartbeats`)
    if (!response.ok) throw new Error(`the hub answered ${response.status} for /api/v1/heartbeats`)
    const list = (await response.json()) as Array<{ id: string; pingUrl: string | null }>
    return list.find((item) => item.id === options.checkId)?.pingUrl ?? undefined
  }

  async function runOnce(): Promise<void> {
    const url = await pingUrl()
    if (!url) throw new Error(`no heartbeat "${options.checkId}" on the hub`)
    await fetch(`${url}/start`, { method: 'POST' })
    // The "work": long enough that the hub records a run duration.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    if (options.targetUp()) await fetch(url, { method: 'POST', body: 'backup written' })
    else await fetch(`${url}/fail`, { method: 'POST', body: 'demo API answered 503' })
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      if (stopped) return
      runOnce()
        .catch((error: unknown) => options.onError((error as Error).message))
        .finally(() => schedule(options.everyMs))
    }, delayMs)
    timer.unref()
  }

  schedule(1_000)
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
