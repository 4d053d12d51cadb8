/**
 * The lines `vantage test` prints under a browser check: its steps, the worst page's
 * Web Vitals with their ratings, the console and failed requests, and where its
 * artifacts were kept. Pure, like test-report.ts.
 */
import { formatMs } from '../checks/assertions.ts'
import { formatVital, VITAL_LABELS, VITAL_NAMES } from '../checks/browser/vitals.ts'
import type { CheckResult } from '../checks/result.ts'

export function browserLines(result: CheckResult): string[] {
  const report = result.browser
  if (!report) return []
  const lines: string[] = []
  if (report.steps.length > 0) {
    const steps = report.steps.map(
      (step) => `${step.status === 'passed' ? '✓' : '✗'} ${step.name} ${formatMs(step.durationMs)}`,
    )
    lines.push(
      `steps: ${steps.join(' · ')}${report.moreSteps ? ` · ${report.moreSteps} more` : ''}`,
    )
  }
  const vitals = VITAL_NAMES.flatMap((name) => {
    const values = report.pages.flatMap((page) => (page.vitals[name] ? [page.vitals[name]] : []))
    if (values.length === 0) return []
    const worst = values.reduce((a, b) => (b.value > a.value ? b : a))
    return [`${VITAL_LABELS[name]} ${formatVital(name, worst.value)} ${worst.rating}`]
  })
  if (vitals.length > 0) {
    lines.push(`vitals (worst of ${report.pages.length} page(s)): ${vitals.join(' · ')}`)
  }
  const { console: log, requests } = report
  if (log.errors + log.pageErrors > 0) {
    lines.push(
      `console: ${log.errors} error(s), ${log.pageErrors} uncaught; first: ${log.first.map((text) => JSON.stringify(text)).join(', ')}`,
    )
  }
  if (requests.failed > 0) {
    lines.push(
      `requests: ${requests.failed} of ${requests.total} failed; first: ${requests.firstFailed.join(', ')}`,
    )
  }
  if (report.attempts > 1) lines.push(`attempts: ${report.attempts}`)
  return lines
}
