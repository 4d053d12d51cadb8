/**
 * Hardened systemd units for a hub and a probe, each line with the reason it is there,
 * and the settings left out with the reason too. `systemd-analyze security` rates them
 * (CI prints the figure); the aim is 3.0 or lower.
 */

export interface UnitOptions {
  role: 'hub' | 'probe'
  /** The node binary, e.g. /usr/bin/node. */
  node: string
  /** bin/vantage.js of the installation the unit runs. */
  vantage: string
  /** The dedicated system user (and group) the service runs as. */
  user: string
  /** VANTAGE_* settings and secrets, mode 0600. */
  envFile: string
  /** The probe runs host checks: they read other processes, sockets and mounts. */
  hostChecks?: boolean
  /** Mounts the probe's read-only checks watch (cli/infra/watched-mounts.ts). */
  watched?: string[]
  /** The probe runs browser checks (Chromium). */
  browser?: boolean
  /** The unit was made from the monitors file (`--checks`), so `watched` is complete. */
  checksKnown?: boolean
}

const under = (path: string, trees: string[]) =>
  trees.some((tree) => path === tree || path.startsWith(`${tree}/`))

/** The unit's file name: vantage-hub.service or vantage-probe.service. */
export function unitName(role: 'hub' | 'probe'): string {
  return `vantage-${role}.service`
}

export function systemdUnit(options: UnitOptions): string {
  const { role, user } = options
  const watched = options.watched ?? []
  const hostChecks = options.hostChecks ?? false
  const dataDir = `vantage-${role}`
  const lines: string[] = []
  const add = (...more: string[]) => lines.push(...more)

  add(
    `# ${unitName(role)}, written by \`vantage infra systemd --role ${role}\`.`,
    `# Install: create the user (useradd --system --user-group --no-create-home`,
    `# --shell /usr/sbin/nologin ${user}), put the VANTAGE_* settings in ${options.envFile}`,
    `# (root-owned, mode 0600: it holds secrets), copy this file to /etc/systemd/system/,`,
    `# then: systemctl daemon-reload && systemctl enable --now ${unitName(role)}`,
    '# Every sandbox line says why it is there; the end of the file says what is left out.',
    '',
    '[Unit]',
    role === 'hub'
      ? 'Description=Vantage hub (MQTT broker, result store, alerts, status page)'
      : 'Description=Vantage probe (runs checks, sends results to the hub)',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    '# A dedicated user that owns nothing on this host but the data directory.',
    `User=${user}`,
    `Group=${user}`,
    `EnvironmentFile=${options.envFile}`,
    `Environment=${role === 'hub' ? 'VANTAGE_DATA' : 'VANTAGE_PROBE_DATA'}=/var/lib/${dataDir}`,
    `ExecStart=${options.node} ${options.vantage} ${role}`,
    `# /var/lib/${dataDir}, made by systemd, owned by ${user}, private (0700).`,
    `StateDirectory=${dataDir}`,
    'StateDirectoryMode=0700',
    `WorkingDirectory=/var/lib/${dataDir}`,
    '# Whatever the service creates is private to it, whatever the system umask.',
    'UMask=0077',
    '# tsx keeps compiled sources in TMPDIR, which must be writable: an unwritable one stops',
    '# Vantage at start. A cache directory of its own, kept across restarts.',
    `CacheDirectory=${dataDir}`,
    'CacheDirectoryMode=0700',
    `Environment=TMPDIR=/var/cache/${dataDir}`,
    role === 'hub'
      ? '# SIGTERM: the hub stops taking results, commits and acks what it holds, sends pending notifications (at most 5 s), then exits.'
      : "# SIGTERM: the probe finishes its runs, sends what it holds and waits (bounded) for the hub's acks, then exits.",
    'KillSignal=SIGTERM',
    'TimeoutStopSec=30',
    'Restart=on-failure',
    'RestartSec=2',
    '# 2 is a usage error (a flag or a busy port), 3 refused credentials: restarting fixes neither.',
    'RestartPreventExitStatus=2 3',
    '',
    '# --- Sandbox ---',
  )
  if (role === 'probe') {
    add(
      '# The system ping opens raw ICMP sockets; nothing else needs a capability.',
      'CapabilityBoundingSet=CAP_NET_RAW',
      'AmbientCapabilities=CAP_NET_RAW',
    )
  } else {
    add(
      '# No capability: the hub listens on unprivileged ports (put a proxy in front for 443).',
      'CapabilityBoundingSet=',
      'AmbientCapabilities=',
      '# Its own user namespace: root and every other user of the host are unmapped here.',
      'PrivateUsers=yes',
    )
  }
  add(
    '# Nothing it runs can gain privileges (setuid binaries, file capabilities).',
    'NoNewPrivileges=yes',
    `# The whole file system is read-only to it but /var/lib/${dataDir}, /var/cache/${dataDir}${watched.length ? ' and the mounts below' : ''}.`,
    'ProtectSystem=strict',
    '# Its mounts are its own: nothing it mounts (it mounts nothing) reaches the host.',
    'PrivateMounts=yes',
  )
  const rwHome = watched.some((path) => under(path, ['/home', '/root', '/run/user']))
  const rwTmp = watched.some((path) => under(path, ['/tmp', '/var/tmp']))
  const rwDev = watched.some((path) => under(path, ['/dev']))
  if (role === 'probe' && !options.checksKnown) {
    add(
      '# Made without --checks: if this probe runs host.readOnly checks, make the unit on its',
      '# host with `vantage infra systemd --role probe --checks monitors.ts --id ID`, which lists',
      '# the mounts they watch here; unlisted, each looks read-only to the check.',
    )
  }
  if (watched.length > 0) {
    add(
      "# The mounts this probe's host.readOnly checks watch. Under ProtectSystem=strict each",
      '# would look read-only here and the check would report it DOWN; listed, each keeps the',
      "# host's own state (a remount read-only on the host shows here too). Write probes",
      "# write there, as the files' permissions allow. '-': a mount missing at start is skipped.",
      ...(watched.includes('/')
        ? ['# / is among them: ProtectSystem=strict then protects only the other mounts.']
        : []),
      `ReadWritePaths=${watched.map((path) => `-${path}`).join(' ')}`,
    )
  }
  if (rwHome) {
    add('# A watched mount is under /home, /root or /run/user: visible, read-only but for it.')
    add('ProtectHome=read-only')
  } else {
    add('# Home directories are invisible.', 'ProtectHome=yes')
  }
  if (rwTmp) {
    add('# Left off: a watched mount is under /tmp or /var/tmp, which a private /tmp would hide.')
  } else {
    add('# A /tmp of its own.', 'PrivateTmp=yes')
  }
  if (rwDev) {
    add('# Left off: a watched mount is under /dev, which a private /dev would replace.')
  } else {
    add('# No physical devices, only /dev/null and the like.', 'PrivateDevices=yes')
  }
  add(
    '# Kernel settings, modules, logs, the clock, the host name and cgroups are out of reach.',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'ProtectControlGroups=yes',
  )
  if (hostChecks) {
    add(
      "# Left off: ProtectProc=invisible and ProcSubset=pid, since host checks read other processes' /proc entries.",
    )
  } else {
    add(
      "# Other users' processes are invisible, and /proc shows processes only.",
      'ProtectProc=invisible',
      'ProcSubset=pid',
    )
  }
  add(
    '# IPv4, IPv6, local sockets, and netlink for the resolver (getaddrinfo lists interfaces).',
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK',
  )
  if (options.browser) {
    add(
      "# Chromium's own sandbox puts each renderer in new user, pid and net namespaces, so",
      '# those stay allowed; the rest are refused. Without them Chromium would need',
      '# --no-sandbox, leaving this unit as the only wall around pages it renders.',
      'RestrictNamespaces=~cgroup ipc mnt uts',
    )
  } else {
    add(
      '# No new namespaces: nothing here needs them. A probe that runs browser checks needs',
      "# some for Chromium's own sandbox: make its unit with --browser.",
      'RestrictNamespaces=yes',
    )
  }
  add(
    '# No realtime scheduling, no setuid/setgid files, one personality, no shared IPC left behind.',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'RemoveIPC=yes',
    '# System calls: what a service needs, native ones only; a refused call fails with EPERM.',
    'SystemCallArchitectures=native',
    'SystemCallFilter=@system-service',
  )
  if (role === 'hub') {
    add('SystemCallFilter=~@privileged')
  } else {
    add(
      '# Left out: ~@privileged. ping drops its capabilities with capset(), which that group holds.',
    )
  }
  add(
    'SystemCallErrorNumber=EPERM',
    '# Left out: MemoryDenyWriteExecute=yes. V8 (and Chromium) compile JavaScript to machine',
    '# code at run time, in memory that is written and then executed; the service would crash.',
    '# Left out: IPAddressDeny=. The hub and probes talk to addresses only the operator knows.',
  )
  if (role === 'hub') {
    add(
      '# A hub with --remediation runs the allow-listed commands inside this sandbox: one that',
      '# needs privileges (systemctl restart) must be allowed by a drop-in, deliberately.',
    )
  } else {
    add(
      '# host.command plugins and host.systemd run inside this sandbox too: a plugin that needs',
      '# more must be allowed by a drop-in, deliberately.',
    )
  }
  add('', '[Install]', 'WantedBy=multi-user.target', '')
  return lines.join('\n')
}
