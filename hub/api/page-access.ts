/**
 * Who may read a private status page: a caller with the hub's API token, a browser that
 * signed in with the page's password (or the token) and holds its cookie, or, on a hub
 * with neither secret, a client on the hub machine (the rule of secret-access.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import type { StatusPageConfig } from '../../checks/status-page.ts'
import { secretAccess } from './secret-access.ts'

const COOKIE_DAYS = 30

const cookieName = (page: StatusPageConfig) => `vantage_page_${page.slug.replace(/-/g, '_')}`

/** The cookie's value: it changes when the page's password (or the token) does. */
function cookieValue(page: StatusPageConfig, apiToken: string | undefined): string | null {
  const secret = page.password ?? apiToken
  if (!secret) return null
  return createHmac('sha256', secret).update(`status-page:${page.slug}`).digest('base64url')
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export function pageAccess(
  c: Context,
  page: StatusPageConfig,
  apiToken: string | undefined,
): boolean {
  if (page.access === 'public') return true
  if (apiToken && secretAccess(c, apiToken).ok) return true
  const expected = cookieValue(page, apiToken)
  const given = getCookie(c, cookieName(page))
  if (expected && given && same(given, expected)) return true
  if (!expected) return secretAccess(c, undefined).ok
  return false
}

/** The Set-Cookie header for a right password (or the API token), or null. */
export function pageCookie(
  page: StatusPageConfig,
  given: string,
  apiToken: string | undefined,
): string | null {
  const ok =
    given.length > 0 &&
    ((page.password !== undefined && same(given, page.password)) ||
      (apiToken !== undefined && same(given, apiToken)))
  const value = cookieValue(page, apiToken)
  if (!ok || !value) return null
  const age = COOKIE_DAYS * 86_400
  return `${cookieName(page)}=${value}; Path=/status/${page.slug}; Max-Age=${age}; HttpOnly; SameSite=Lax`
}

const INTERNAL_COOKIE = 'vantage_internal'

function internalValue(apiToken: string): string {
  return createHmac('sha256', apiToken).update('internal-view').digest('base64url')
}

/**
 * Who may read the internal view: without an API token everyone, as before pages were
 * curated; with one, its holders, by header or by the cookie of /internal/login.
 */
export function internalAccess(c: Context, apiToken: string | undefined): boolean {
  if (!apiToken) return true
  if (secretAccess(c, apiToken).ok) return true
  const given = getCookie(c, INTERNAL_COOKIE)
  return given !== undefined && same(given, internalValue(apiToken))
}

export function internalCookie(given: string, apiToken: string | undefined): string | null {
  if (!apiToken || !same(given, apiToken)) return null
  return `${INTERNAL_COOKIE}=${internalValue(apiToken)}; Path=/; Max-Age=${COOKIE_DAYS * 86_400}; HttpOnly; SameSite=Lax`
}
