/** The probe registry entry, from the retained status topic. */
export interface ProbeInfo {
  probeId: string
  state: 'online' | 'offline'
  region: string
  labels: Record<string, string>
  capabilities: string[]
  version: string
  lastSeen: number
  stats?: Record<string, number | string>
  /** The probe's self-health; while not ok its down results arrive as inconclusive. */
  health?: { ok: boolean; reasons: string[] }
}
