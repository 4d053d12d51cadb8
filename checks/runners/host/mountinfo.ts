/**
 * Reads `/proc/self/mountinfo` (proc(5)), which, unlike /proc/mounts, has both the
 * per-mount options and the filesystem's own (superblock) options. Both matter: ext4
 * with `errors=remount-ro` marks the superblock read-only after an I/O error while the
 * mount still says `rw`, and `mount -o remount,ro` or a bind mount flips the mount only.
 */
import { readFile } from 'node:fs/promises'

export interface MountEntry {
  mountId: number
  /** `major:minor` of the filesystem; bind mounts of one filesystem share it. */
  device: string
  /** The directory of the filesystem mounted here: `/` unless it is a bind mount of a subtree. */
  root: string
  mountPoint: string
  mountOptions: string[]
  fsType: string
  source: string
  superOptions: string[]
}

/** mountinfo escapes space, tab, newline and backslash as octal (`\040`). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  )
}

/**
 * Parses mountinfo text; lines it cannot read are skipped rather than failing the check.
 * @example parseMountinfo('36 35 98:0 / /data rw,noatime shared:1 - ext4 /dev/vdb rw')[0].mountPoint // '/data'
 */
export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = []
  for (const line of text.split('\n')) {
    const fields = line.split(' ')
    // Optional fields (shared:1, master:2, ...) come before the "-" separator.
    const separator = fields.indexOf('-', 6)
    if (separator < 0 || fields.length < separator + 4) continue
    const [mountId, , device, root, mountPoint, mountOptions] = fields
    entries.push({
      mountId: Number(mountId),
      device: device!,
      root: unescape(root!),
      mountPoint: unescape(mountPoint!),
      mountOptions: mountOptions!.split(','),
      fsType: fields[separator + 1]!,
      source: unescape(fields[separator + 2]!),
      superOptions: fields[separator + 3]!.split(','),
    })
  }
  return entries
}

/**
 * Only the topmost mount of each mount point is visible (and written to); mounts it
 * covers do not matter. mountinfo lists a mount after the one it covers.
 */
export function visibleMounts(entries: MountEntry[]): MountEntry[] {
  const top = new Map<string, MountEntry>()
  for (const entry of entries) top.set(entry.mountPoint, entry)
  return [...top.values()]
}

/** Why a mount is read-only, or undefined when it is writable. */
export function readOnlyReason(entry: MountEntry): string | undefined {
  if (entry.mountOptions.includes('ro')) return 'mounted read-only (mount option ro)'
  if (entry.superOptions.includes('ro')) return 'filesystem is read-only (superblock ro)'
  return undefined
}

export async function readMountinfo(file = '/proc/self/mountinfo'): Promise<MountEntry[]> {
  return parseMountinfo(await readFile(file, 'utf8'))
}
