/**
 * What a probe can read from its own broker token, shared by the hub that makes tokens
 * (hub/broker/credentials.ts) and the probe that checks its --region against one, so
 * that the probe does not load the hub's credential store to read a prefix.
 */

/** The region a probe token names (`<region>.<secret>`), or undefined for a token without one. */
export function regionOfToken(token: string): string | undefined {
  // base64url has no ".", so the last one ends the region, whatever the region contains.
  const dot = token.lastIndexOf('.')
  return dot > 0 ? token.slice(0, dot) : undefined
}
