/**
 * Shields-style SVG badges (status, uptime over 24h/7d/30d/90d, p95 response time) and
 * the same facts as a shields.io endpoint document. Each badge is a few hundred bytes.
 */
import type { ComponentState } from '../../checks/status-page.ts'
import { STATE_LABELS } from './component-state.ts'
import { escapeXml } from './feeds.ts'

export const UPTIME_WINDOWS = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const
export type UptimeWindow = keyof typeof UPTIME_WINDOWS

export interface BadgeFacts {
  label: string
  message: string
  /** A shields.io colour name. */
  color: 'brightgreen' | 'green' | 'yellow' | 'orange' | 'red' | 'blue' | 'lightgrey'
}

const HEX: Record<BadgeFacts['color'], string> = {
  brightgreen: '#2e7d32',
  green: '#3f7d20',
  yellow: '#8a6d00',
  orange: '#b54708',
  red: '#b42318',
  blue: '#1d5fbf',
  lightgrey: '#5b6470',
}

export function statusFacts(state: ComponentState, label = 'status'): BadgeFacts {
  const color: Record<ComponentState, BadgeFacts['color']> = {
    operational: 'brightgreen',
    degraded_performance: 'yellow',
    partial_outage: 'orange',
    major_outage: 'red',
    under_maintenance: 'blue',
  }
  return { label, message: STATE_LABELS[state].toLowerCase(), color: color[state] }
}

export function uptimeFacts(ratio: number | null, window: UptimeWindow): BadgeFacts {
  if (ratio === null) return { label: `uptime ${window}`, message: 'no data', color: 'lightgrey' }
  const pct = Math.floor(ratio * 10_000) / 100
  const color =
    pct >= 99.9
      ? 'brightgreen'
      : pct >= 99
        ? 'green'
        : pct >= 95
          ? 'yellow'
          : pct >= 90
            ? 'orange'
            : 'red'
  return { label: `uptime ${window}`, message: `${pct.toFixed(2)}%`, color }
}

export function latencyFacts(p95: number | null, window: UptimeWindow): BadgeFacts {
  if (p95 === null) return { label: `p95 ${window}`, message: 'no data', color: 'lightgrey' }
  const message = p95 < 1000 ? `${Math.round(p95)} ms` : `${(p95 / 1000).toFixed(2)} s`
  const color = p95 < 300 ? 'brightgreen' : p95 < 1000 ? 'yellow' : 'orange'
  return { label: `p95 ${window}`, message, color }
}

/** Verdana 11px widths are about 6.5 px a character; shields pads each side by 6 px. */
function textWidth(text: string): number {
  return Math.round(text.length * 6.5) + 12
}

export function badgeSvg(facts: BadgeFacts): string {
  const label = escapeXml(facts.label)
  const message = escapeXml(facts.message)
  const lw = textWidth(facts.label)
  const mw = textWidth(facts.message)
  const w = lw + mw
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${label}: ${message}">` +
    `<title>${label}: ${message}</title><clipPath id="r"><rect width="${w}" height="20" rx="3"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${HEX[facts.color]}"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">` +
    `<text x="${lw / 2}" y="14">${label}</text><text x="${lw + mw / 2}" y="14">${message}</text></g></svg>`
  )
}

/** The shields.io endpoint document: https://shields.io/badges/endpoint-badge */
export function shieldsJson(facts: BadgeFacts) {
  return {
    schemaVersion: 1,
    label: facts.label,
    message: facts.message,
    color: facts.color,
    cacheSeconds: 60,
  }
}
