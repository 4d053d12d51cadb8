/** What `vantage deploy` prints: a deploy plan, and the deploy history. Pure, tested beside. */
import { isEmptyPlan, type DeployPlan } from '../hub/config/deploy-plan.ts'
import { palette, type Palette } from './colors.ts'

/** One entry of `GET /api/v1/deploys`. */
export interface DeployListItem {
  seq: number
  version: string
  createdAt: number
  source: string
  checks: number
  running: boolean
}

/**
 * The plan, one line per check or channel, changed fields indented below their check:
 *
 * ```
 *   + smtp (tcp)
 *   ~ api (http)
 *       every: 1m → 30s
 *   - channel pager (webhook)
 *   2 check(s) unchanged
 * ```
 */
export function formatPlan(plan: DeployPlan, colors: Palette = palette(false)): string {
  const { checks, channels } = plan
  const lines: string[] = []
  const added = (text: string) => lines.push(colors.green(`  + ${text}`))
  const removed = (text: string) => lines.push(colors.red(`  - ${text}`))
  const changed = (text: string) => lines.push(colors.yellow(`  ~ ${text}`))

  if (plan.project) changed(`project: ${plan.project.before} → ${plan.project.after}`)
  for (const check of checks.added) added(`${check.id} (${check.kind})`)
  for (const check of checks.removed) removed(`${check.id} (${check.kind})`)
  for (const check of checks.changed) {
    changed(`${check.id} (${check.kind})`)
    for (const field of check.fields) {
      lines.push(`      ${field.path}: ${field.before} → ${field.after}`)
    }
  }
  if (checks.reordered) changed('the order of the checks (the status page follows it)')
  for (const channel of channels.added) added(`channel ${channel.name} (${channel.type})`)
  for (const channel of channels.removed) removed(`channel ${channel.name} (${channel.type})`)
  for (const channel of channels.changed) {
    changed(`channel ${channel.name} (${channel.type}): ${channel.fields.join(', ')} changed`)
  }
  if (channels.reordered) changed('the order of the channels')
  for (const field of plan.alerting ?? []) {
    changed(`${field.path}: ${field.before} → ${field.after}`)
  }
  if (isEmptyPlan(plan)) lines.push('  no changes')
  if (checks.unchanged > 0) lines.push(colors.dim(`  ${checks.unchanged} check(s) unchanged`))
  return `${lines.join('\n')}\n`
}

/** The history as a table, newest first, the running version marked. */
export function formatHistory(deploys: DeployListItem[]): string {
  if (deploys.length === 0) return 'no deploys yet\n'
  const rows = [
    ['SEQ', 'VERSION', 'DEPLOYED AT', 'CHECKS', 'SOURCE'],
    ...deploys.map((deploy) => [
      String(deploy.seq),
      deploy.version,
      new Date(deploy.createdAt).toISOString().replace(/\.\d+Z$/, 'Z'),
      String(deploy.checks),
      `${deploy.source}${deploy.running ? '  (running)' : ''}`,
    ]),
  ]
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  '),
    )
    .join('\n')
    .concat('\n')
}
