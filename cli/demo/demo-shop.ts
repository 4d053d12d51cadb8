/**
 * The demo target's small web app, for the demo's browser check to walk through: a home
 * page, a login form and an account page behind a session cookie. While the target is
 * down every page answers 503 (demo-target.ts), and the browser check's incident shows
 * the screenshot of that page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

/** The demo account; its password reaches the check as a secret from the hub's environment. */
export const DEMO_SHOP_USER = 'demo'
export const DEMO_SHOP_PASSWORD = 'demo-password'

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
header{background:#1e3a8a;color:#fff;padding:14px 32px;font-weight:600}
main{max-width:560px;margin:32px auto;padding:24px 32px;background:#fff;border:1px solid #e2e8f0;border-radius:10px}
label{display:block;margin:12px 0}input{display:block;width:100%;padding:8px;margin-top:4px;box-sizing:border-box}
button{margin-top:16px;padding:8px 20px;background:#1e3a8a;color:#fff;border:0;border-radius:6px}`

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title} · Demo shop</title>
<style>${STYLE}</style></head><body><header>Demo shop</header><main>${body}</main></body></html>`
}

/** The 503 page the target serves while it is down: what the incident's screenshot shows. */
export function downPage(): string {
  return page(
    'Unavailable',
    '<h1>503 Service Unavailable</h1><p>The demo target is down on purpose; it comes back by itself.</p>',
  )
}

const sessions = new Set<string>()

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve) => {
    let text = ''
    req.on('data', (chunk) => (text += chunk))
    req.on('end', () => resolve(new URLSearchParams(text)))
  })
}

const loginForm = (message = '') =>
  page(
    'Log in',
    `<h1>Log in</h1>${message ? `<p role="alert">${message}</p>` : ''}
<form method="post" action="/login"><label>Username<input name="username" autocomplete="username"></label>
<label>Password<input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Log in</button></form>`,
  )

/** Answers the shop's pages; false for any other path. */
export async function answerShop(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://demo').pathname
  const html = (status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body)
    return true
  }
  if (path === '/') {
    return html(
      200,
      page(
        'Home',
        '<h1>Welcome to the demo shop</h1><p><a href="/login">Log in</a> to see your orders.</p>',
      ),
    )
  }
  if (path === '/login' && req.method === 'POST') {
    const form = await readForm(req)
    if (form.get('username') !== DEMO_SHOP_USER || form.get('password') !== DEMO_SHOP_PASSWORD) {
      return html(401, loginForm('Wrong username or password'))
    }
    const id = Math.random().toString(36).slice(2)
    sessions.add(id)
    res
      .writeHead(303, { location: '/account', 'set-cookie': `session=${id}; Path=/; HttpOnly` })
      .end()
    return true
  }
  if (path === '/login') return html(200, loginForm())
  if (path === '/account') {
    const session = /session=([a-z0-9]+)/.exec(req.headers.cookie ?? '')?.[1]
    if (!session || !sessions.has(session)) {
      res.writeHead(303, { location: '/login' }).end()
      return true
    }
    return html(200, page('Your account', `<h1>Hello, ${DEMO_SHOP_USER}</h1><p>No orders yet.</p>`))
  }
  return false
}
