/** Summary figures for the table. */

/**
 * The p-th percentile (0–100) of `values`, interpolating linearly between the two
 * nearest ranks, as most latency tools report it.
 * @example percentile([1, 2, 3, 4], 50) // 2.5
 * @throws Error when `values` is empty or `p` is outside 0–100
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values')
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile ${p} is outside 0–100`)
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (p / 100) * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low)
}

/** Milliseconds as seconds with one decimal, e.g. `12.3 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`
}

/**
 * What a list of notifications was, grouped by subject id and type, so a missed goal
 * shows its cause in the table.
 * @example breakdown(sent) // 'region:ap-south fired, region:eu-west fired+resolved'
 */
export function breakdown(notifications: readonly { checkId: string; type: string }[]): string {
  const bySubject = new Map<string, string[]>()
  for (const { checkId, type } of notifications) {
    bySubject.set(checkId, [...(bySubject.get(checkId) ?? []), type])
  }
  return [...bySubject].map(([id, types]) => `${id} ${types.join('+')}`).join(', ')
}

/** The count, and when there is any, what they were (cut to `maxLength` characters). */
export function countWithBreakdown(
  notifications: readonly { checkId: string; type: string }[],
  maxLength = 90,
): string {
  if (notifications.length === 0) return '0'
  const detail = breakdown(notifications)
  const shown = detail.length > maxLength ? `${detail.slice(0, maxLength - 1)}…` : detail
  return `${notifications.length}: ${shown}`
}
