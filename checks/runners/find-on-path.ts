/** Looks a program up on PATH the way a shell would, without running it. */
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { delimiter, join } from 'node:path'

/**
 * Full path of `name` when it is an executable file: `name` itself when it contains a
 * slash, otherwise the first match in a PATH directory.
 * @example await findOnPath('systemctl') // '/usr/bin/systemctl'
 */
export async function findOnPath(
  name: string,
  path = process.env.PATH ?? '',
): Promise<string | undefined> {
  const candidates = name.includes('/')
    ? [name]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, name))
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK)
      if ((await stat(candidate)).isFile()) return candidate
    } catch {
      // Not here, or not executable: keep looking.
    }
  }
  return undefined
}
