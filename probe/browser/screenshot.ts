/**
 * Screenshots as evidence. Inside a run: Playwright's own screenshot, and when that
 * cannot finish (a page still loading may hold it waiting for fonts) DevTools'
 * `Page.captureScreenshot` through a CDP session, which takes whatever is painted. From
 * outside a run whose script no longer answers (a busy loop in the script's worker):
 * the page's DevTools endpoint on the browser's debugging port, straight from the pool.
 */
import type { BrowserContext, Page } from 'playwright-core'
import WebSocket from 'ws'

async function cdpCapture(context: BrowserContext, page: Page): Promise<Buffer> {
  const session = await context.newCDPSession(page)
  try {
    const { data } = (await session.send('Page.captureScreenshot', { format: 'png' })) as {
      data: string
    }
    return Buffer.from(data, 'base64')
  } finally {
    await session.detach().catch(() => undefined)
  }
}

/** A PNG of what the page shows now; throws when neither way works. */
export async function captureScreenshot(
  context: BrowserContext,
  page: Page,
  timeoutMs: number,
): Promise<Buffer> {
  try {
    return await page.screenshot({ timeout: timeoutMs, type: 'png' })
  } catch {
    return cdpCapture(context, page)
  }
}

/**
 * A PNG of a page by its DevTools target id, through the browser's debugging port:
 * for a run whose worker is stuck and cannot take it itself. Undefined when the page is
 * gone or does not answer within `timeoutMs`.
 */
export function screenshotTarget(
  port: number,
  targetId: string,
  timeoutMs: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/devtools/page/${targetId}`)
    const done = (png?: Buffer) => {
      clearTimeout(timer)
      socket.removeAllListeners()
      socket.on('error', () => undefined)
      socket.terminate()
      resolve(png)
    }
    const timer = setTimeout(() => done(), timeoutMs)
    socket.on('open', () =>
      socket.send(
        JSON.stringify({ id: 1, method: 'Page.captureScreenshot', params: { format: 'png' } }),
      ),
    )
    socket.on('message', (data) => {
      try {
        const reply = JSON.parse(String(data)) as { id?: number; result?: { data?: string } }
        if (reply.id !== 1) return
        done(reply.result?.data ? Buffer.from(reply.result.data, 'base64') : undefined)
      } catch {
        done()
      }
    })
    socket.on('error', () => done())
    socket.on('close', () => done())
  })
}
