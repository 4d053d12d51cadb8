/**
 * What a browser check's script is given: the types a user writes against. The
 * script is a module whose default export is a `BrowserScript`:
 *
 * @example
 * import type { BrowserScript } from 'vantage-monitoring'
 *
 * export default (async ({ page, expect, step, params, secrets }) => {
 *   await step('open the shop', () => page.goto(params.BASE_URL))
 *   await step('log in', async () => {
 *     await page.getByLabel('Password').fill(secrets.SHOP_PASSWORD)
 *     await page.getByRole('button', { name: 'Log in' }).click()
 *     await expect(page.getByRole('heading')).toHaveText('Welcome back')
 *   })
 * }) satisfies BrowserScript
 *
 * `expect` is Vantage's own small version of Playwright's web-first assertions
 * (probe/browser/expect.ts): the locator and page matchers retry until they pass or
 * their timeout (5 s by default) runs out, and a failure says what was expected and
 * what was there.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core'

/** Options every retrying matcher takes. */
export interface RetryOptions {
  /** How long to keep trying, in ms. Default 5000. */
  timeout?: number
}

export interface TextOptions extends RetryOptions {
  ignoreCase?: boolean
  /** Compare `innerText` (what is rendered) rather than `textContent`. Default false. */
  useInnerText?: boolean
}

type TextExpectation = string | RegExp | ReadonlyArray<string | RegExp>

export interface LocatorAssertions {
  /** The element's whole text (whitespace collapsed) equals or matches; a list for several elements. */
  toHaveText(expected: TextExpectation, options?: TextOptions): Promise<void>
  /** The element's text contains; a list for several elements. */
  toContainText(expected: TextExpectation, options?: TextOptions): Promise<void>
  toBeVisible(options?: RetryOptions): Promise<void>
  toBeHidden(options?: RetryOptions): Promise<void>
  toBeEnabled(options?: RetryOptions): Promise<void>
  toBeDisabled(options?: RetryOptions): Promise<void>
  toBeChecked(options?: RetryOptions): Promise<void>
  /** The locator matches exactly this many elements. */
  toHaveCount(count: number, options?: RetryOptions): Promise<void>
  /** An input's value. */
  toHaveValue(value: string | RegExp, options?: RetryOptions): Promise<void>
  /** The attribute is there, with this value when one is given. */
  toHaveAttribute(name: string, value?: string | RegExp, options?: RetryOptions): Promise<void>
}

export interface PageAssertions {
  toHaveURL(url: string | RegExp, options?: RetryOptions): Promise<void>
  toHaveTitle(title: string | RegExp, options?: RetryOptions): Promise<void>
}

/** Plain values are judged at once, without retrying. */
export interface ValueAssertions {
  toBe(expected: unknown): void
  toEqual(expected: unknown): void
  toContain(expected: unknown): void
  toMatch(expected: string | RegExp): void
  toBeTruthy(): void
  toBeFalsy(): void
  toBeGreaterThan(expected: number): void
  toBeLessThan(expected: number): void
}

type Negatable<T> = T & { not: T }

export interface Expect {
  (target: Locator, message?: string): Negatable<LocatorAssertions>
  (target: Page, message?: string): Negatable<PageAssertions>
  (value: unknown, message?: string): Negatable<ValueAssertions>
}

/**
 * Names a step: it gets its own duration and status in the result, and a screenshot
 * when it fails. Steps may nest; the result lists them as `outer › inner`.
 */
export type Step = <T>(name: string, body: () => Promise<T> | T) => Promise<T>

export interface BrowserScriptContext {
  /** A fresh page in a fresh context: no cookies or storage from any other run. */
  page: Page
  context: BrowserContext
  expect: Expect
  step: Step
  /** The check's `params`, as the monitors file set them. */
  params: Readonly<Record<string, string>>
  /** The check's `secrets`, by name, from the hub's environment. */
  secrets: Readonly<Record<string, string>>
}

export type BrowserScript = (context: BrowserScriptContext) => Promise<void> | void
