#!/usr/bin/env bash
# Installs (or upgrades, or removes) a Vantage probe on this host from the npm tarball:
# the package under /opt/vantage, a dedicated `vantage` user, /etc/vantage/probe.env
# (root-only: it holds the probe's token), a hardened systemd unit made by the installed
# `vantage infra systemd`, and the service, started. Running it again upgrades: the new
# tarball is installed, the settings not given again are kept, and the probe restarts.
#
#   infra/install-probe.sh --tarball vantage-monitoring-0.1.0.tgz \
#     --hub mqtt://hub.example.com:1883 --id eu-west-1 --region eu-west \
#     --token-file ./eu-west-1.token --hub-key sha256:0e0b3c3a... [--label role=app]
#     [--checks monitors.ts] [--health-port 9464] [--dry-run]
#   infra/install-probe.sh --uninstall [--purge] [--dry-run]
#
# --dry-run prints every action and changes nothing. --root DIR installs into DIR
# instead of / (for tests and images); systemctl is then left out.
set -euo pipefail

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}
fail() {
  echo "install-probe: $*" >&2
  exit 2
}

ROOT=/
DRY_RUN=0
UNINSTALL=0
PURGE=0
TARBALL='' HUB='' ID='' REGION='' LABELS='' TOKEN_FILE='' HUB_KEY='' CHECKS='' HEALTH_PORT=''
USER_NAME=vantage
NPM=${NPM:-npm}
NODE=${NODE:-$(command -v node || echo /usr/bin/node)}

while [ $# -gt 0 ]; do
  case "$1" in
    --tarball) TARBALL=${2:?--tarball needs a file}; shift 2 ;;
    --hub) HUB=${2:?--hub needs a URL}; shift 2 ;;
    --id) ID=${2:?--id needs a probe id}; shift 2 ;;
    --region) REGION=${2:?--region needs a name}; shift 2 ;;
    --label) LABELS=${LABELS:+$LABELS,}${2:?--label needs key=value}; shift 2 ;;
    --token-file) TOKEN_FILE=${2:?--token-file needs a file}; shift 2 ;;
    --hub-key) HUB_KEY=${2:?--hub-key needs the hub key fingerprint}; shift 2 ;;
    --checks) CHECKS=${2:?--checks needs a monitors file}; shift 2 ;;
    --health-port) HEALTH_PORT=${2:?--health-port needs a port}; shift 2 ;;
    --user) USER_NAME=${2:?--user needs a name}; shift 2 ;;
    --root) ROOT=${2:?--root needs a directory}; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    --uninstall) UNINSTALL=1; shift ;;
    --purge) PURGE=1; shift ;;
    -h | --help) usage ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
done

ROOT=${ROOT%/}
PREFIX=/opt/vantage
ENV_FILE=/etc/vantage/probe.env
UNIT=/etc/systemd/system/vantage-probe.service
DATA=/var/lib/vantage-probe
VANTAGE_JS=$PREFIX/node_modules/vantage-monitoring/bin/vantage.js

# Every change goes through here: printed, and done unless --dry-run.
run() {
  echo "+ $*"
  [ "$DRY_RUN" = 1 ] || "$@"
}
# Writes stdin to a file with a mode, owned by root.
write() {
  local file=$1 mode=$2 text
  text=$(cat)
  echo "+ write $file (mode $mode)"
  [ "$DRY_RUN" = 1 ] && return
  (umask 077 && printf '%s\n' "$text" > "$file.tmp")
  chmod "$mode" "$file.tmp"
  mv "$file.tmp" "$file"
}
systemctl_or_skip() {
  if [ -n "$ROOT" ]; then
    echo "+ (skipped with --root) systemctl $*"
  else
    run systemctl "$@"
  fi
}
# A value from the existing env file, so that a re-run keeps what it is not given.
previous() {
  [ -f "$ROOT$ENV_FILE" ] || return 0
  sed -n "s/^$1=//p" "$ROOT$ENV_FILE" | tail -n 1
}

if [ "$UNINSTALL" = 1 ]; then
  if [ -f "$ROOT$UNIT" ]; then systemctl_or_skip disable --now vantage-probe.service; fi
  run rm -f "$ROOT$UNIT" "$ROOT$ENV_FILE"
  run rm -rf "$ROOT$PREFIX"
  systemctl_or_skip daemon-reload
  if [ "$PURGE" = 1 ]; then
    run rm -rf "$ROOT$DATA" "$ROOT/var/cache/vantage-probe"
    if grep -q "^$USER_NAME:" "$ROOT/etc/passwd" 2>/dev/null; then
      run userdel ${ROOT:+--root "$ROOT"} "$USER_NAME"
    fi
  else
    echo "kept $DATA (the outbox: results not yet sent) and the user $USER_NAME; --purge removes them"
  fi
  exit 0
fi

HUB=${HUB:-$(previous VANTAGE_HUB)}
ID=${ID:-$(previous VANTAGE_PROBE_ID)}
REGION=${REGION:-$(previous VANTAGE_REGION)}
LABELS=${LABELS:-$(previous VANTAGE_LABELS)}
HUB_KEY=${HUB_KEY:-$(previous VANTAGE_HUB_KEY)}
HEALTH_PORT=${HEALTH_PORT:-$(previous VANTAGE_HEALTH_PORT)}
if [ -n "$TOKEN_FILE" ]; then
  [ -r "$TOKEN_FILE" ] || fail "--token-file $TOKEN_FILE cannot be read"
  TOKEN=$(tr -d '[:space:]' < "$TOKEN_FILE")
else
  TOKEN=${VANTAGE_PASSWORD:-$(previous VANTAGE_PASSWORD)}
fi
[ -n "$TARBALL" ] || fail "--tarball is required: the vantage-monitoring-X.Y.Z.tgz to install"
[ -f "$TARBALL" ] || fail "--tarball $TARBALL does not exist"
[ -n "$HUB" ] || fail "--hub is required, e.g. --hub mqtt://hub.example.com:1883"
[ -n "$ID" ] || fail "--id is required, e.g. --id $(hostname -s 2>/dev/null || echo eu-west-1)"
[ -n "$REGION" ] || fail "--region is required, e.g. --region eu-west"
[ -n "$TOKEN" ] || fail "a token is required: --token-file FILE (from \`vantage token create probe $ID --region $REGION\` on the hub host)"
case "$HUB_KEY" in
  sha256:*) ;;
  *) fail "--hub-key is required: the hub's key fingerprint, sha256:... (\`vantage hub --print-key-fingerprint\` on the hub host)" ;;
esac

upgrade=0
[ -f "$ROOT$VANTAGE_JS" ] && upgrade=1
echo "install-probe: $([ $upgrade = 1 ] && echo upgrading || echo installing) probe $ID ($REGION) into ${ROOT:-/}"

# The package, with its dependencies, from the tarball.
run install -d -m 0755 "$ROOT$PREFIX"
run cp "$TARBALL" "$ROOT$PREFIX/"
run "$NPM" install --prefix "$ROOT$PREFIX" --omit=dev --no-audit --no-fund "$ROOT$PREFIX/$(basename "$TARBALL")"

# The user the probe runs as: owns nothing but its data and cache directories.
if ! grep -q "^$USER_NAME:" "$ROOT/etc/passwd" 2>/dev/null; then
  run useradd ${ROOT:+--root "$ROOT"} --system --user-group --no-create-home \
    --home-dir /nonexistent --shell /usr/sbin/nologin "$USER_NAME"
fi

# Settings and the token: read by systemd as root, never by the probe's user.
run install -d -m 0755 "$ROOT/etc/vantage"
write "$ROOT$ENV_FILE" 0600 <<ENV
VANTAGE_HUB=$HUB
VANTAGE_PROBE_ID=$ID
VANTAGE_REGION=$REGION
VANTAGE_LABELS=$LABELS
VANTAGE_HUB_KEY=$HUB_KEY
VANTAGE_PASSWORD=$TOKEN
${HEALTH_PORT:+VANTAGE_HEALTH_PORT=$HEALTH_PORT}
ENV

# The unit, made by the version just installed, for the checks this probe runs.
unit_args=(infra systemd --role probe --out "$ROOT/etc/systemd/system" --user "$USER_NAME")
unit_args+=(--node "$NODE" --vantage "$VANTAGE_JS" --id "$ID")
[ -n "$LABELS" ] && unit_args+=(--label "$LABELS")
[ -n "$CHECKS" ] && unit_args+=(--checks "$CHECKS")
run install -d -m 0755 "$ROOT/etc/systemd/system"
run "$NODE" "$ROOT$VANTAGE_JS" "${unit_args[@]}"

systemctl_or_skip daemon-reload
if [ $upgrade = 1 ]; then
  systemctl_or_skip restart vantage-probe.service
else
  systemctl_or_skip enable --now vantage-probe.service
fi
echo "install-probe: done; logs: journalctl -u vantage-probe -f"
