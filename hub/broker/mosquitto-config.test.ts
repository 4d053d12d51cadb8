/** The generated Mosquitto files: the settings that matter, and the committed example kept in step. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { mosquittoAcl, mosquittoConf } from './mosquitto-config.ts'

const example = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../infra/mosquitto/${name}`, import.meta.url)), 'utf8')

describe('Mosquitto config', () => {
  it('refuses anonymous clients and points at the password and ACL files', () => {
    const conf = mosquittoConf({
      port: 8883,
      bind: '127.0.0.1',
      passwordFile: '/etc/v/passwd',
      aclFile: '/etc/v/acl',
      persistenceDir: '/var/lib/v',
      tls: { certfile: '/c.pem', keyfile: '/k.pem', cafile: '/ca.pem' },
    })
    for (const line of [
      'listener 8883 127.0.0.1',
      'allow_anonymous false',
      'password_file /etc/v/passwd',
      'acl_file /etc/v/acl',
      'persistence true',
      'persistence_location /var/lib/v/',
      'certfile /c.pem',
      'cafile /ca.pem',
      'require_certificate true',
    ]) {
      expect(conf.split('\n')).toContain(line)
    }
  })

  it('gives probes the embedded broker\u2019s rules as %u patterns, for any prefix', () => {
    const acl = mosquittoAcl('acme/mon').split('\n')
    expect(acl).toContain('user vantage-hub')
    expect(acl).toContain('topic readwrite acme/mon/#')
    expect(acl.filter((line) => line.startsWith('pattern'))).toEqual([
      'pattern write acme/mon/probes/%u/status',
      'pattern write acme/mon/results/+/%u',
      'pattern write acme/mon/artifacts/%u',
      'pattern read acme/mon/config',
      'pattern read acme/mon/hub/status',
      'pattern read acme/mon/probes/+/status',
      'pattern read acme/mon/probes/%u/acks',
      'pattern read acme/mon/probes/%u/commands',
      'pattern read acme/mon/probes/%u/artifact-acks',
    ])
  })

  it('matches the example committed in infra/mosquitto', () => {
    expect(example('acl')).toBe(mosquittoAcl())
    expect(example('mosquitto.conf')).toBe(
      mosquittoConf({
        port: 1883,
        bind: '0.0.0.0',
        passwordFile: '/etc/mosquitto/vantage/passwd',
        aclFile: '/etc/mosquitto/vantage/acl',
      }),
    )
  })
})
