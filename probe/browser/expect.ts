/**
 * The `expect` a browser script is given: a small version of Playwright's web-first
 * assertions over playwright-core's public locator and page APIs. playwright-core does
 * not ship `expect`, and the `playwright` test runner that does would bring a test
 * framework (and its own process model) into every probe to get a dozen matchers.
 *
 * A locator or page matcher polls (at once, then after 100, 250, 500 ms and every
 * second) until it passes or its timeout (5 s) runs out, reading with calls that do not
 * wait themselves (`allTextContents`, `isVisible`, `count`), so one slow read cannot
 * overrun the timeout. A failure throws ExpectationError with what was expected and
 * what was there the last time, which the run reports as ASSERTION_FAILED.
 * Plain values (`expect(total).toBe(3)`) are judged once.
 */
import { isDeepStrictEqual } from 'node:util'
import type { Locator, Page } from 'playwright-core'
import type { Expect, TextOptions } from '../../checks/browser/script-api.ts'

export const DEFAULT_EXPECT_TIMEOUT_MS = 5_000
const POLL_INTERVALS_MS = [100, 250, 500, 1_000]
/** A single element read inside a poll: short, the poll retries anyway. */
const READ_TIMEOUT_MS = 1_000

/** A failed expectation: what the script expected of what, and what there was. */
export class ExpectationError extends Error {
  override name = 'ExpectationError'
  constructor(
    /** e.g. `getByRole('heading')` or `page`. */
    readonly target: string,
    /** e.g. `toHaveText` or `not.toBeVisible`. */
    readonly matcher: string,
    readonly expected: string,
    readonly actual: string,
    note?: string,
  ) {
    super(
      `expect(${target}).${matcher}: expected ${expected}, got ${actual}${note ? ` (${note})` : ''}`,
    )
  }
}

/** What one read found: whether it matches, and what to report as the actual value. */
interface Observation {
  pass: boolean
  actual: string
}

const quote = (text: string) => JSON.stringify(text)
const show = (expected: string | RegExp) =>
  typeof expected === 'string' ? quote(expected) : String(expected)
const normalize = (text: string) => text.replace(/\s+/g, ' ').trim()

function textMatches(
  actual: string,
  expected: string | RegExp,
  mode: 'whole' | 'contains',
  ignoreCase: boolean,
): boolean {
  if (expected instanceof RegExp) {
    return (ignoreCase ? new RegExp(expected.source, `${expected.flags}i`) : expected).test(actual)
  }
  const a = ignoreCase ? actual.toLowerCase() : actual
  const e = normalize(ignoreCase ? expected.toLowerCase() : expected)
  return mode === 'whole' ? a === e : a.includes(e)
}

function isPage(target: unknown): target is Page {
  return (
    typeof target === 'object' &&
    target !== null &&
    typeof (target as Page).goto === 'function' &&
    typeof (target as Page).mainFrame === 'function'
  )
}

function isLocator(target: unknown): target is Locator {
  return (
    typeof target === 'object' &&
    target !== null &&
    typeof (target as Locator).allTextContents === 'function' &&
    typeof (target as Locator).count === 'function'
  )
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Polls `observe` until it gives the wanted answer (`pass`, or not with `.not`) or the
 * timeout runs out; then throws with the last observation.
 */
async function retry(
  target: string,
  matcher: string,
  expected: string,
  negated: boolean,
  timeoutMs: number,
  observe: () => Promise<Observation>,
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  let last: Observation = { pass: negated, actual: '(never read)' }
  for (let attempt = 0; ; attempt++) {
    try {
      last = await observe()
    } catch (error) {
      last = { pass: false, actual: `an error: ${(error as Error).message.split('\n')[0]}` }
    }
    if (last.pass !== negated) return
    const left = deadline - performance.now()
    if (left <= 0) break
    await sleep(Math.min(left, POLL_INTERVALS_MS[Math.min(attempt, POLL_INTERVALS_MS.length - 1)]!))
  }
  throw new ExpectationError(
    target,
    `${negated ? 'not.' : ''}${matcher}`,
    `${negated ? 'not ' : ''}${expected}`,
    last.actual,
    `waited ${Math.round(timeoutMs)}ms`,
  )
}

type TextExpected = string | RegExp | ReadonlyArray<string | RegExp>

/** Reads the texts of every element the locator matches and compares them. */
async function observeTexts(
  locator: Locator,
  expected: TextExpected,
  mode: 'whole' | 'contains',
  options: TextOptions,
): Promise<Observation> {
  const raw = options.useInnerText ? await locator.allInnerTexts() : await locator.allTextContents()
  const texts = raw.map(normalize)
  const ignoreCase = options.ignoreCase ?? false
  if (Array.isArray(expected)) {
    const list = expected as ReadonlyArray<string | RegExp>
    const pass =
      texts.length === list.length &&
      list.every((item, index) => textMatches(texts[index]!, item, mode, ignoreCase))
    return { pass, actual: JSON.stringify(texts) }
  }
  const single = expected as string | RegExp
  if (texts.length === 0) return { pass: false, actual: 'no element' }
  if (texts.length > 1) {
    return {
      pass: false,
      actual: `${texts.length} elements (${texts.slice(0, 3).map(quote).join(', ')}${texts.length > 3 ? ', ...' : ''}); narrow the locator`,
    }
  }
  return { pass: textMatches(texts[0]!, single, mode, ignoreCase), actual: quote(texts[0]!) }
}

/** One element's state, or a pass of false when there is not exactly one. */
async function observeOne(
  locator: Locator,
  read: (one: Locator) => Promise<Observation>,
): Promise<Observation> {
  const count = await locator.count()
  if (count === 0) return { pass: false, actual: 'no element' }
  if (count > 1) return { pass: false, actual: `${count} elements; narrow the locator` }
  return read(locator)
}

function locatorMatchers(locator: Locator, negated: boolean) {
  const target = String(locator)
  const wait = (options?: { timeout?: number }) => options?.timeout ?? DEFAULT_EXPECT_TIMEOUT_MS
  const expectedText = (expected: TextExpected) =>
    Array.isArray(expected)
      ? `[${(expected as ReadonlyArray<string | RegExp>).map(show).join(', ')}]`
      : show(expected as string | RegExp)
  return {
    toHaveText: (expected: TextExpected, options: TextOptions = {}) =>
      retry(target, 'toHaveText', expectedText(expected), negated, wait(options), () =>
        observeTexts(locator, expected, 'whole', options),
      ),
    toContainText: (expected: TextExpected, options: TextOptions = {}) =>
      retry(
        target,
        'toContainText',
        `text containing ${expectedText(expected)}`,
        negated,
        wait(options),
        () => observeTexts(locator, expected, 'contains', options),
      ),
    toBeVisible: (options?: { timeout?: number }) =>
      retry(target, 'toBeVisible', 'visible', negated, wait(options), async () => {
        const count = await locator.count()
        if (count === 0) return { pass: false, actual: 'no element' }
        const visible = await locator.first().isVisible()
        return { pass: visible, actual: visible ? 'visible' : 'hidden' }
      }),
    toBeHidden: (options?: { timeout?: number }) =>
      retry(target, 'toBeHidden', 'hidden', negated, wait(options), async () => {
        const count = await locator.count()
        if (count === 0) return { pass: true, actual: 'no element' }
        const visible = await locator.first().isVisible()
        return { pass: !visible, actual: visible ? 'visible' : 'hidden' }
      }),
    toBeEnabled: (options?: { timeout?: number }) =>
      retry(target, 'toBeEnabled', 'enabled', negated, wait(options), () =>
        observeOne(locator, async (one) => {
          const enabled = await one.isEnabled({ timeout: READ_TIMEOUT_MS })
          return { pass: enabled, actual: enabled ? 'enabled' : 'disabled' }
        }),
      ),
    toBeDisabled: (options?: { timeout?: number }) =>
      retry(target, 'toBeDisabled', 'disabled', negated, wait(options), () =>
        observeOne(locator, async (one) => {
          const disabled = await one.isDisabled({ timeout: READ_TIMEOUT_MS })
          return { pass: disabled, actual: disabled ? 'disabled' : 'enabled' }
        }),
      ),
    toBeChecked: (options?: { timeout?: number }) =>
      retry(target, 'toBeChecked', 'checked', negated, wait(options), () =>
        observeOne(locator, async (one) => {
          const checked = await one.isChecked({ timeout: READ_TIMEOUT_MS })
          return { pass: checked, actual: checked ? 'checked' : 'unchecked' }
        }),
      ),
    toHaveCount: (count: number, options?: { timeout?: number }) =>
      retry(target, 'toHaveCount', `${count} element(s)`, negated, wait(options), async () => {
        const actual = await locator.count()
        return { pass: actual === count, actual: `${actual} element(s)` }
      }),
    toHaveValue: (value: string | RegExp, options?: { timeout?: number }) =>
      retry(target, 'toHaveValue', `value ${show(value)}`, negated, wait(options), () =>
        observeOne(locator, async (one) => {
          const actual = await one.inputValue({ timeout: READ_TIMEOUT_MS })
          const pass = typeof value === 'string' ? actual === value : value.test(actual)
          return { pass, actual: `value ${quote(actual)}` }
        }),
      ),
    toHaveAttribute: (name: string, value?: string | RegExp, options?: { timeout?: number }) =>
      retry(
        target,
        'toHaveAttribute',
        value === undefined ? `attribute ${name}` : `${name}=${show(value)}`,
        negated,
        wait(options),
        () =>
          observeOne(locator, async (one) => {
            const actual = await one.getAttribute(name, { timeout: READ_TIMEOUT_MS })
            if (actual === null) return { pass: false, actual: `no attribute ${name}` }
            const pass =
              value === undefined ||
              (typeof value === 'string' ? actual === value : value.test(actual))
            return { pass, actual: `${name}=${quote(actual)}` }
          }),
      ),
  }
}

function pageMatchers(page: Page, negated: boolean) {
  const wait = (options?: { timeout?: number }) => options?.timeout ?? DEFAULT_EXPECT_TIMEOUT_MS
  const same = (actual: string, expected: string | RegExp) =>
    typeof expected === 'string' ? actual === expected : expected.test(actual)
  return {
    toHaveURL: (url: string | RegExp, options?: { timeout?: number }) =>
      retry('page', 'toHaveURL', `URL ${show(url)}`, negated, wait(options), async () => {
        const actual = page.url()
        return { pass: same(actual, url), actual: `URL ${quote(actual)}` }
      }),
    toHaveTitle: (title: string | RegExp, options?: { timeout?: number }) =>
      retry('page', 'toHaveTitle', `title ${show(title)}`, negated, wait(options), async () => {
        const actual = await page.title()
        return { pass: same(normalize(actual), title), actual: `title ${quote(actual)}` }
      }),
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return quote(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function valueMatchers(value: unknown, negated: boolean, label: string) {
  const judge = (matcher: string, pass: boolean, expected: string) => {
    if (pass === negated) {
      throw new ExpectationError(
        label,
        `${negated ? 'not.' : ''}${matcher}`,
        `${negated ? 'not ' : ''}${expected}`,
        describeValue(value),
      )
    }
  }
  return {
    toBe: (expected: unknown) => judge('toBe', Object.is(value, expected), describeValue(expected)),
    toEqual: (expected: unknown) =>
      judge('toEqual', isDeepStrictEqual(value, expected), describeValue(expected)),
    toContain: (expected: unknown) =>
      judge(
        'toContain',
        typeof value === 'string'
          ? value.includes(String(expected))
          : Array.isArray(value) && value.some((item) => isDeepStrictEqual(item, expected)),
        `something containing ${describeValue(expected)}`,
      ),
    toMatch: (expected: string | RegExp) =>
      judge(
        'toMatch',
        typeof value === 'string' &&
          (typeof expected === 'string' ? value.includes(expected) : expected.test(value)),
        `a text matching ${show(expected)}`,
      ),
    toBeTruthy: () => judge('toBeTruthy', Boolean(value), 'a truthy value'),
    toBeFalsy: () => judge('toBeFalsy', !value, 'a falsy value'),
    toBeGreaterThan: (expected: number) =>
      judge('toBeGreaterThan', typeof value === 'number' && value > expected, `> ${expected}`),
    toBeLessThan: (expected: number) =>
      judge('toBeLessThan', typeof value === 'number' && value < expected, `< ${expected}`),
  }
}

/**
 * The script's `expect`. A custom `message` names the value in the error instead of its
 * description (`expect(total, 'cart total').toBe(3)`).
 */
export const expect = ((target: unknown, message?: string) => {
  const make = (negated: boolean) => {
    if (isLocator(target)) return locatorMatchers(target, negated)
    if (isPage(target)) return pageMatchers(target, negated)
    return valueMatchers(target, negated, message ?? 'value')
  }
  return Object.assign(make(false), { not: make(true) })
}) as Expect
