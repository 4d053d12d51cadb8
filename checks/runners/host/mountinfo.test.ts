import { describe, expect, it } from 'vitest'
import { hostReadOnlySpecSchema } from '../../specs/host-read-only.ts'
import { parseMountinfo, readOnlyReason, visibleMounts } from './mountinfo.ts'
import { defaultWritePaths, watchedMounts } from './read-only.ts'

// Lines as a container on a systemd host shows them (proc(5) format).
const MOUNTINFO = [
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,errors=remount-ro',
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
  '23 27 0:22 / /sys ro,nosuid - sysfs sysfs ro',
  '31 23 0:28 / /sys/fs/cgroup ro,relatime - tmpfs tmpfs ro,mode=755',
  '40 27 7:1 / /snap/core/1 ro,nodev shared:5 - squashfs /dev/loop1 ro',
  '41 27 254:16 / /data rw,noatime shared:7 master:1 - xfs /dev/vdb rw',
  '42 27 254:32 / /srv/my\\040files rw - ext4 /dev/vdc ro,errors=remount-ro',
  '43 27 254:16 /exports /export rw - xfs /dev/vdb rw',
  '44 27 0:40 / /var/cache rw - tmpfs tmpfs rw,size=1024k',
  '45 27 0:41 / /var/cache ro - tmpfs tmpfs ro,size=1024k',
  '46 27 0:42 / /run rw,nosuid - tmpfs tmpfs rw',
  'not a mountinfo line',
].join('\n')

const mounts = visibleMounts(parseMountinfo(MOUNTINFO))
const spec = (extra: Record<string, unknown> = {}) =>
  hostReadOnlySpecSchema.parse({ kind: 'host.readOnly', id: 'ro', on: { probes: ['p'] }, ...extra })
const points = (list: { mountPoint: string }[]) => list.map((m) => m.mountPoint)

describe('parseMountinfo', () => {
  it('reads fields around optional ones and unescapes octal escapes', () => {
    const data = mounts.find((m) => m.mountPoint === '/data')
    expect(data).toMatchObject({ device: '254:16', fsType: 'xfs', source: '/dev/vdb', root: '/' })
    expect(points(mounts)).toContain('/srv/my files')
  })

  it('keeps only the topmost of stacked mounts', () => {
    const cache = mounts.filter((m) => m.mountPoint === '/var/cache')
    expect(cache).toHaveLength(1)
    expect(cache[0]!.mountId).toBe(45)
  })

  it('tells a read-only mount from a read-only superblock', () => {
    const byPoint = (point: string) => mounts.find((m) => m.mountPoint === point)!
    expect(readOnlyReason(byPoint('/var/cache'))).toBe('mounted read-only (mount option ro)')
    expect(readOnlyReason(byPoint('/srv/my files'))).toBe('filesystem is read-only (superblock ro)')
    expect(readOnlyReason(byPoint('/data'))).toBeUndefined()
  })
})

describe('watchedMounts', () => {
  it('skips read-only-by-design, kernel filesystems and anything under /proc and /sys', () => {
    expect(points(watchedMounts(spec(), mounts))).toEqual([
      '/',
      '/data',
      '/srv/my files',
      '/export',
      '/var/cache',
      '/run',
    ])
  })

  it('includes by path prefix (the filesystem holding it and mounts below) or glob, then excludes', () => {
    expect(points(watchedMounts(spec({ include: ['/var/cache/app'] }), mounts))).toEqual([
      '/var/cache',
    ])
    expect(points(watchedMounts(spec({ include: ['/srv/*', '/dat'] }), mounts))).toEqual([
      '/',
      '/srv/my files',
    ])
    expect(points(watchedMounts(spec({ exclude: ['/var', '/run'] }), mounts))).toEqual([
      '/',
      '/data',
      '/srv/my files',
      '/export',
    ])
  })

  it('filters by filesystem type; listed types override the built-in ignore list', () => {
    expect(points(watchedMounts(spec({ types: ['xfs'] }), mounts))).toEqual(['/data', '/export'])
    expect(points(watchedMounts(spec({ types: ['squashfs'] }), mounts))).toEqual(['/snap/core/1'])
    expect(points(watchedMounts(spec({ excludeTypes: ['tmpfs', 'ext4'] }), mounts))).toEqual([
      '/data',
      '/export',
    ])
  })
})

describe('defaultWritePaths', () => {
  it('probes each writable disk or tmpfs filesystem once, at its own root, as root only', () => {
    const watched = watchedMounts(spec(), mounts)
    // /export is a bind mount of /data's filesystem; /run is system tmpfs; /srv and /var/cache are read-only.
    expect(defaultWritePaths(watched, true)).toEqual(['/', '/data'])
    expect(defaultWritePaths(watched, false)).toEqual([])
  })
})
