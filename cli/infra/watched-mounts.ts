/**
 * The mounts a probe's host.readOnly checks watch on this machine. The probe's systemd
 * unit lists them as writable: under `ProtectSystem=strict` every other mount is
 * read-only in the unit's view (a per-mount flag), and a read-only check would report
 * each of them DOWN. Listed, they keep the host's own state: a filesystem remounted
 * read-only on the host is read-only in the unit too (the superblock is shared).
 */
import type { MonitoringConfig } from '../../checks/validate.ts'
import type { HostReadOnlySpec } from '../../checks/spec.ts'
import type { MountEntry } from '../../checks/runners/host/mountinfo.ts'
import { watchedMounts } from '../../checks/runners/host/read-only.ts'
import { selects } from '../../checks/specs/host-common.ts'

/** Which probe the unit is for; with neither id nor labels, every host check counts. */
export interface ProbeIdentity {
  id?: string
  labels: Record<string, string>
}

/** The host checks of the config that run on this probe. */
export function hostChecksFor(config: MonitoringConfig, probe: ProbeIdentity) {
  const anyProbe = probe.id === undefined && Object.keys(probe.labels).length === 0
  return config.checks.filter(
    (check) =>
      'on' in check &&
      (anyProbe || selects(check.on, { probeId: probe.id ?? '', labels: probe.labels })),
  )
}

/** Mount points (sorted, unique) that the read-only checks for this probe watch among `mounts`. */
export function readOnlyWatchedMounts(
  config: MonitoringConfig,
  probe: ProbeIdentity,
  mounts: MountEntry[],
): string[] {
  const points = new Set<string>()
  for (const check of hostChecksFor(config, probe)) {
    if (check.kind !== 'host.readOnly') continue
    const spec = check as HostReadOnlySpec
    for (const mount of watchedMounts(spec, mounts)) points.add(mount.mountPoint)
    // Write probes create files there: they must be writable in the unit too.
    for (const path of spec.paths ?? []) points.add(path)
  }
  return [...points].sort()
}
