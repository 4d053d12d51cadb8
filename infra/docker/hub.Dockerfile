# syntax=docker/dockerfile:1
# The Vantage hub, from the npm tarball. Not built on the machine this was written on
# (it has no container engine): written from the official node image's documentation.
#
#   npm pack                                  # in a clone: vantage-monitoring-X.Y.Z.tgz
#   docker build -f infra/docker/hub.Dockerfile -t vantage-hub .
#
# Run it with a read-only root filesystem, every capability dropped and a tmpfs on /tmp
# (compose.yaml beside this file does): the data directory is the only volume it writes.

FROM node:20-bookworm-slim AS install
# better-sqlite3 builds from source when no prebuilt binary fits; its toolchain stays here.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/vantage
COPY vantage-monitoring-*.tgz ./
RUN npm install --omit=dev --no-audit --no-fund ./vantage-monitoring-*.tgz \
  && rm vantage-monitoring-*.tgz

FROM node:20-bookworm-slim
COPY --from=install /opt/vantage /opt/vantage
# tsx keeps compiled sources in TMPDIR: a tmpfs, since the root filesystem is read-only.
ENV NODE_ENV=production \
  VANTAGE_DATA=/var/lib/vantage \
  VANTAGE_PORT=8080 \
  VANTAGE_MQTT_PORT=1883 \
  TMPDIR=/tmp
# The node user the official image provides (uid 1000) owns the data directory, 0700.
RUN install -d -o node -g node -m 0700 /var/lib/vantage
USER node
WORKDIR /var/lib/vantage
VOLUME /var/lib/vantage
EXPOSE 8080 1883
# /readyz: the store is open, the broker link is up and a config is loaded. The image
# has no curl; node's fetch asks.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.VANTAGE_PORT + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is not meant to be PID 1 (signals): run with --init, or init: true in compose.
ENTRYPOINT ["node", "/opt/vantage/node_modules/vantage-monitoring/bin/vantage.js"]
# The monitors file is mounted at /etc/vantage/monitors.ts; it may import
# 'vantage-monitoring' without a node_modules of its own.
CMD ["hub", "--checks", "/etc/vantage/monitors.ts"]
