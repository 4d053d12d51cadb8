/**
 * The units under infra/systemd/ are what `vantage infra systemd` writes for an
 * installation in /opt/vantage, so the shipped examples never drift from the generator.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { systemdUnit } from './systemd-unit.ts'

const shipped = (name: string) =>
  readFileSync(new URL(`../../infra/systemd/${name}`, import.meta.url), 'utf8')
const install = {
  node: '/usr/bin/node',
  vantage: '/opt/vantage/node_modules/vantage-monitoring/bin/vantage.js',
  user: 'vantage',
}

describe('the shipped systemd units', () => {
  it('are the generated ones', () => {
    expect(shipped('vantage-hub.service')).toBe(
      systemdUnit({ ...install, role: 'hub', envFile: '/etc/vantage/hub.env' }),
    )
    expect(shipped('vantage-probe.service')).toBe(
      systemdUnit({
        ...install,
        role: 'probe',
        envFile: '/etc/vantage/probe.env',
        hostChecks: true,
      }),
    )
  })

  it('leave /tmp and /dev shared and home read-only only when a watched mount is there', () => {
    const unit = systemdUnit({
      ...install,
      role: 'probe',
      envFile: '/etc/vantage/probe.env',
      hostChecks: true,
      checksKnown: true,
      watched: ['/home/backup', '/srv/data'],
    })
    expect(unit).toContain('ReadWritePaths=-/home/backup -/srv/data')
    expect(unit).toContain('ProtectHome=read-only')
    expect(unit).toContain('PrivateTmp=yes')
    expect(unit).not.toContain('Made without --checks')
  })
})
