/**
 * Mosquitto password files, written by Vantage itself so that `vantage token
 * create --mosquitto-passwd FILE` can add a probe's entry while the token is still
 * in hand (the hub keeps only a SHA-256, which Mosquitto cannot use).
 *
 * Written by hand rather than by running `mosquitto_passwd`: that tool may not be
 * installed where the hub runs, and the format is small. It is Mosquitto 2's
 * default, `user:$7$<iterations>$<salt base64>$<hash base64>`, with PBKDF2-HMAC-
 * SHA512 over a 12-byte salt and a 64-byte hash, 101 iterations (mosquitto_passwd's
 * default). The tests check it against the real `mosquitto_passwd` and broker.
 */
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { writeFileAtomic } from '../../lib/atomic-file.ts'

const SALT_BYTES = 12
const HASH_BYTES = 64
/** Mosquitto's default; the broker reads the count from each entry, so a higher one works too. */
export const MOSQUITTO_ITERATIONS = 101

/** The `$7$...` field for `password`. */
export function mosquittoPasswordHash(
  password: string,
  options: { salt?: Buffer; iterations?: number } = {},
): string {
  const salt = options.salt ?? randomBytes(SALT_BYTES)
  const iterations = options.iterations ?? MOSQUITTO_ITERATIONS
  const hash = pbkdf2Sync(password, salt, iterations, HASH_BYTES, 'sha512')
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`
}

/** True when `field` (`$7$...`) is the hash of `password`. */
export function verifyMosquittoPassword(field: string, password: string): boolean {
  const match = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(field)
  if (!match) return false
  const expected = Buffer.from(match[3]!, 'base64')
  const actual = pbkdf2Sync(
    password,
    Buffer.from(match[2]!, 'base64'),
    Number(match[1]),
    expected.length,
    'sha512',
  )
  return expected.length === HASH_BYTES && timingSafeEqual(actual, expected)
}

/** The entries of a password file, in order: username -> hash field. */
export function readPasswd(file: string): Map<string, string> {
  const entries = new Map<string, string>()
  if (!existsSync(file)) return entries
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) entries.set(line.slice(0, colon), line.slice(colon + 1))
  }
  return entries
}

/** Adds or replaces the entry of `username`; the rest of the file is kept. */
export function setPasswdEntry(file: string, username: string, password: string): void {
  const entries = readPasswd(file)
  entries.set(username, mosquittoPasswordHash(password))
  writePasswd(file, entries)
}

/** Removes the entry of `username`; false when it had none. */
export function removePasswdEntry(file: string, username: string): boolean {
  const entries = readPasswd(file)
  if (!entries.delete(username)) return false
  writePasswd(file, entries)
  return true
}

function writePasswd(file: string, entries: Map<string, string>): void {
  writeFileAtomic(file, [...entries].map(([user, field]) => `${user}:${field}\n`).join(''))
}
