/**
 * Durations in check configs are strings like `30s`, `5m`, `1h30m` or `250ms`.
 * They are kept as strings in specs (readable in bundles and diffs) and turned
 * into milliseconds where they are used.
 */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/

/** True when `text` is a duration such as `90s`, `1m30s` or `250ms`. */
export function isDuration(text: string): boolean {
  return WHOLE.test(text.trim())
}

/**
 * Parses a duration string into milliseconds.
 * @example parseDuration('1m30s') // 90_000
 * @throws Error when the text is not a duration
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim()
  if (!WHOLE.test(trimmed)) throw new Error(`"${text}" is not a duration (use e.g. 30s, 5m, 1h)`)
  let total = 0
  for (const [, amount, unit] of trimmed.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]
  }
  return Math.round(total)
}

/** Formats milliseconds compactly, for logs and pages: 90_000 -> "1m30s". */
export function formatDuration(ms: number): string {
  // Compare after rounding, so 999.6 prints as 1s rather than 1000ms.
  if (Math.round(ms) < 1_000) return `${Math.round(ms)}ms`
  const parts: string[] = []
  let rest = Math.round(ms / 1_000)
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    }
  }
  return parts.join('')
}
