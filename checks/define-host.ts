/**
 * The checks-as-code API of host checks: `host.readOnly(...)`, `host.disk(...)` and the
 * rest. Host checks look at the machine a probe runs on. They run on every probe that
 * `on` selects, not in regions, and each selected probe is its own series: any failing
 * host makes the check DOWN.
 *
 * @example
 * host.readOnly('app-disks', { on: { labels: { role: 'app' } } })
 * host.file('nightly-backup', { on: { probes: ['db-1'] }, path: '/backups/*.tar.gz', maxAge: '26h' })
 */
import type { CommonCheckProps, Duration } from './define.ts'
import type { AlertPolicy } from './spec.ts'

/**
 * Which probes run a host check: a probe is selected when its id is listed in
 * `probes`, or when it carries every label in `labels`. At least one is required.
 */
export interface HostSelectorInput {
  /** Probe ids (`vantage probe --id`). @example ['db-1', 'db-2'] */
  probes?: string[]
  /** Labels a probe must all carry (`vantage probe --label role=app`). @example { role: 'app' } */
  labels?: Record<string, string>
}

/** Options every host check takes: the common ones without regions, plus `on`. */
export interface HostCheckProps extends Omit<CommonCheckProps, 'regions' | 'alert'> {
  /** Required: the probes that run the check, each judged on its own. @example { labels: { role: 'app' } } */
  on: HostSelectorInput
  /**
   * Per host: `failAfter` consecutive down results make it failing (default 2),
   * `recoverAfter` up results make it pass (default 2). There is no quorum: any failing
   * host makes the check DOWN.
   */
  alert?: Partial<Omit<AlertPolicy, 'quorum'>>
}

export interface HostReadOnlyProps extends HostCheckProps {
  /**
   * Mounts to watch: a path watches the filesystem holding it and every mount below
   * it; a glob (`*`, `?`, `**`) matches mount points. Default: every mount, except
   * read-only-by-design types (squashfs, iso9660, erofs, ...), kernel filesystems
   * (proc, sysfs, cgroup, ...) and whatever is mounted under /proc and /sys.
   * @example ['/var/lib', '/srv/*']
   */
  include?: string[]
  /** Mount points to skip, same syntax as `include`. Default `[]`. @example ['/mnt/cdrom'] */
  exclude?: string[]
  /** Only these filesystem types; when set, the built-in ignore list is off. Default: all. @example ['ext4', 'xfs'] */
  types?: string[]
  /** Filesystem types to skip. Default `[]`. @example ['nfs4'] */
  excludeTypes?: string[]
  /**
   * Directories for the write probe (create, write, fsync, delete a small file). Default:
   * when the probe runs as root, the mount point of each watched disk or tmpfs filesystem
   * (not /dev or /run); otherwise none, as other users may not write there.
   * @example ['/var/lib/postgresql', '/srv/uploads']
   */
  paths?: string[]
  /** Set `false` to read mount flags only. Default `true`. */
  writeProbe?: boolean
  /** Limit for each write probe; a slower one is reported as a hung filesystem. Default: half of `timeout`. @example '3s' */
  writeTimeout?: Duration
}

export interface HostDiskProps extends HostCheckProps {
  /** Any path on the filesystem to measure. Default `/`. @example '/var/lib/postgresql' */
  path?: string
  expect?: {
    /** Space or inodes used (%) above which the result is `degraded`. Default 85. @example 80 */
    degradedAbove?: number
    /** Space or inodes used (%) above which the result is `down`. Default 95. @example 90 */
    failAbove?: number
    /** `degraded` when the recent growth fills the disk within this time. Default: not checked. @example '24h' */
    fullWithin?: Duration
  }
  /**
   * How far back the growth trend looks; a prediction needs samples over a quarter of
   * it. Default `6h`. @example '1h'
   */
  trendWindow?: Duration
}

export interface HostFileProps extends HostCheckProps {
  /** A file, or a glob whose newest regular file is checked (`*`, `?`, `**`). @example '/backups/db-*.sql.gz' */
  path: string
  /** The file must be younger than this (by modification time). Default: any age. @example '26h' */
  maxAge?: Duration
  /** The file must have at least this many bytes. Default: any size. @example 1048576 */
  minSize?: number
}

export interface HostProcessProps extends HostCheckProps {
  /** The exact process name as `ps -e` shows it (at most 15 characters). @example 'nginx' */
  name?: string
  /** A regular expression over the command line (arguments joined by spaces). @example 'sidekiq .* \\[default\\]' */
  match?: string
  /** Fewest matching processes. Default 1. @example 2 */
  min?: number
  /** Most matching processes. Default: no limit. @example 8 */
  max?: number
}

export interface HostSystemdProps extends HostCheckProps {
  /** The unit; without a suffix systemd means `.service`. @example 'nginx' */
  unit: string
}

export interface HostPortProps extends HostCheckProps {
  /** The local TCP port something must listen on. @example 5432 */
  port: number
  /** Only a listener on this address (or on all addresses) counts. Default: any address. @example '127.0.0.1' */
  address?: string
}

/** Give `command` (run directly, no shell) or `shell` (run by /bin/sh -c), not both. */
export type HostCommandProps = HostCheckProps &
  (
    | {
        /** The plugin and its arguments. @example ['/usr/lib/nagios/plugins/check_load', '-w', '5,4,3', '-c', '10,8,6'] */
        command: string[]
        shell?: never
      }
    | {
        /** A command line for /bin/sh, only when shell features are needed. @example 'check_mailq -w 10 -c 50 | head -1' */
        shell: string
        command?: never
      }
  )

export type HostCheckInput =
  | ({ kind: 'host.readOnly'; id: string } & HostReadOnlyProps)
  | ({ kind: 'host.disk'; id: string } & HostDiskProps)
  | ({ kind: 'host.file'; id: string } & HostFileProps)
  | ({ kind: 'host.process'; id: string } & HostProcessProps)
  | ({ kind: 'host.systemd'; id: string } & HostSystemdProps)
  | ({ kind: 'host.port'; id: string } & HostPortProps)
  | ({ kind: 'host.command'; id: string } & HostCommandProps)

/** Host checks: they run on the probes `on` selects and look at those machines. */
export const host = {
  /**
   * Mounts that should be writable but are read-only, from mount flags and a write probe.
   * @example host.readOnly('app-disks', { on: { labels: { role: 'app' } } })
   */
  readOnly(id: string, props: HostReadOnlyProps): HostCheckInput {
    return { kind: 'host.readOnly', id, ...props }
  },
  /**
   * Space and inodes used on a filesystem, and when it will be full.
   * @example host.disk('db-disk', { on: { probes: ['db-1'] }, path: '/var/lib/postgresql', expect: { fullWithin: '24h' } })
   */
  disk(id: string, props: HostDiskProps): HostCheckInput {
    return { kind: 'host.disk', id, ...props }
  },
  /**
   * A file (or the newest match of a glob) exists, is fresh and big enough.
   * @example host.file('backup', { on: { probes: ['db-1'] }, path: '/backups/*.tar.gz', maxAge: '26h', minSize: 1e6 })
   */
  file(id: string, props: HostFileProps): HostCheckInput {
    return { kind: 'host.file', id, ...props }
  },
  /**
   * How many processes match a name or a command line.
   * @example host.process('workers', { on: { labels: { role: 'worker' } }, match: 'sidekiq', min: 2 })
   */
  process(id: string, props: HostProcessProps): HostCheckInput {
    return { kind: 'host.process', id, ...props }
  },
  /**
   * A systemd unit is active; inconclusive on probes without systemd.
   * @example host.systemd('nginx', { on: { labels: { role: 'web' } }, unit: 'nginx' })
   */
  systemd(id: string, props: HostSystemdProps): HostCheckInput {
    return { kind: 'host.systemd', id, ...props }
  },
  /**
   * Something listens on a local TCP port.
   * @example host.port('postgres-listening', { on: { probes: ['db-1'] }, port: 5432 })
   */
  port(id: string, props: HostPortProps): HostCheckInput {
    return { kind: 'host.port', id, ...props }
  },
  /**
   * A Nagios-compatible plugin: exit 0/1/2/3 is up/degraded/down/inconclusive, the first
   * output line is the message and performance data become metrics.
   * @example host.command('load', { on: { labels: { role: 'app' } }, command: ['/usr/lib/nagios/plugins/check_load', '-w', '5', '-c', '10'] })
   */
  command(id: string, props: HostCommandProps): HostCheckInput {
    return { kind: 'host.command', id, ...props }
  },
}
