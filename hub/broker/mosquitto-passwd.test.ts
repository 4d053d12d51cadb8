/**
 * Vantage writes Mosquitto's `$7$` password entries itself; they must be exactly
 * what `mosquitto_passwd` makes. (The broker accepting them is tested end to end
 * in test/e2e/broker-acl.e2e.test.ts.)
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { toolAvailable } from '../../test/fixtures/require-tool.ts'
import { useTempDir } from '../../test/fixtures/temp-dir.ts'
import {
  mosquittoPasswordHash,
  readPasswd,
  removePasswdEntry,
  setPasswdEntry,
  verifyMosquittoPassword,
} from './mosquitto-passwd.ts'

const MOSQUITTO_PASSWD = ['/usr/bin/mosquitto_passwd', '/usr/sbin/mosquitto_passwd'].find((path) =>
  existsSync(path),
)
const dir = useTempDir('vantage-passwd-')

describe('Mosquitto password entries', () => {
  it('hash as `$7$101$<12-byte salt>$<64-byte PBKDF2-SHA512>` and verify', () => {
    const field = mosquittoPasswordHash('s3cret')
    const [, kind, iterations, salt, hash] = field.split('$')
    expect([kind, iterations]).toEqual(['7', '101'])
    expect(Buffer.from(salt!, 'base64')).toHaveLength(12)
    expect(Buffer.from(hash!, 'base64')).toHaveLength(64)
    expect(verifyMosquittoPassword(field, 's3cret')).toBe(true)
    expect(verifyMosquittoPassword(field, 's3cret ')).toBe(false)
  })

  it('add, replace and remove entries, keeping the others', () => {
    const file = join(dir.path, 'passwd')
    setPasswdEntry(file, 'vantage-hub', 'hub-secret')
    setPasswdEntry(file, 'eu-west-1', 'one')
    setPasswdEntry(file, 'eu-west-1', 'two')
    const entries = readPasswd(file)
    expect([...entries.keys()]).toEqual(['vantage-hub', 'eu-west-1'])
    expect(verifyMosquittoPassword(entries.get('eu-west-1')!, 'two')).toBe(true)
    expect(removePasswdEntry(file, 'eu-west-1')).toBe(true)
    expect(removePasswdEntry(file, 'eu-west-1')).toBe(false)
    expect(readFileSync(file, 'utf8')).toMatch(/^vantage-hub:\$7\$101\$[^\n]+\n$/)
  })

  it.runIf(toolAvailable('mosquitto_passwd', MOSQUITTO_PASSWD !== undefined))(
    'match what mosquitto_passwd writes for the same salt',
    () => {
      const file = join(dir.path, 'reference')
      execFileSync(MOSQUITTO_PASSWD!, ['-c', '-b', file, 'alice', 'correct horse'])
      const reference = readPasswd(file).get('alice')!
      const salt = Buffer.from(reference.split('$')[3]!, 'base64')
      expect(mosquittoPasswordHash('correct horse', { salt })).toBe(reference)
      expect(verifyMosquittoPassword(reference, 'correct horse')).toBe(true)
    },
  )
})
