/** Paths of validation problems as users read them: `checks[2].expect.status`. */

/** Formats a zod path as the user wrote it: ['checks', 2, 'every'] -> "checks[2].every". */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out || '(root)'
}

/** One line for a failed parse: `results[3].status: Invalid option; sentAt: expected number`. */
export function describeIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix: ReadonlyArray<PropertyKey> = [],
): string {
  return issues
    .map((issue) => `${formatPath([...prefix, ...issue.path])}: ${issue.message}`)
    .join('; ')
}
