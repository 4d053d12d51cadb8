/**
 * Replaces a small file atomically (temp file + rename), so a reader never sees
 * half of it. A replaced file keeps its owner and mode: an operator who ran the
 * CLI as root must not leave the hub (or Mosquitto) unable to read its own file.
 * A new file is readable by its owner only, since these files hold hashes.
 */
import { chmodSync, chownSync, renameSync, statSync, writeFileSync } from 'node:fs'

export function writeFileAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, text, { mode: 0o600 })
  const previous = statOrUndefined(file)
  if (previous) {
    chmodSync(temp, previous.mode & 0o777)
    try {
      chownSync(temp, previous.uid, previous.gid)
    } catch {
      // Only root may give a file away; anyone else writes files they own already.
    }
  }
  renameSync(temp, file)
}

function statOrUndefined(file: string) {
  try {
    return statSync(file)
  } catch {
    return undefined
  }
}
