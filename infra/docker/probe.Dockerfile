# syntax=docker/dockerfile:1
# A Vantage probe, from the npm tarball. Not built on the machine this was written on
# (it has no container engine): written from the official node image's documentation.
#
#   npm pack                                  # in a clone: vantage-monitoring-X.Y.Z.tgz
#   docker build -f infra/docker/probe.Dockerfile -t vantage-probe .
#
# Run it with a read-only root filesystem, all capabilities dropped but NET_RAW, and a
# tmpfs on /tmp (compose.yaml does). Host checks in a container watch the container,
# not the host: run a probe that has host checks on the host, under systemd.

FROM node:20-bookworm-slim AS install
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/vantage
COPY vantage-monitoring-*.tgz ./
RUN npm install --omit=dev --no-audit --no-fund ./vantage-monitoring-*.tgz \
  && rm vantage-monitoring-*.tgz

FROM node:20-bookworm-slim
# The system ping, for ping checks. It opens raw ICMP sockets with NET_RAW, or ICMP
# datagram sockets where the runtime allows them to every group (ping_group_range).
RUN apt-get update \
  && apt-get install -y --no-install-recommends iputils-ping \
  && rm -rf /var/lib/apt/lists/*
COPY --from=install /opt/vantage /opt/vantage
ENV NODE_ENV=production \
  VANTAGE_PROBE_DATA=/var/lib/vantage-probe \
  VANTAGE_HEALTH_PORT=9464 \
  VANTAGE_HEALTH_HOST=127.0.0.1 \
  TMPDIR=/tmp
RUN install -d -o node -g node -m 0700 /var/lib/vantage-probe
USER node
WORKDIR /var/lib/vantage-probe
# The outbox: results not yet acked by the hub survive a new container.
VOLUME /var/lib/vantage-probe
# /readyz: connected, a verified config, a healthy clock and a writable outbox.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.VANTAGE_HEALTH_PORT + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/opt/vantage/node_modules/vantage-monitoring/bin/vantage.js"]
# VANTAGE_HUB, VANTAGE_PROBE_ID, VANTAGE_REGION, VANTAGE_HUB_KEY and VANTAGE_PASSWORD
# come from the environment.
CMD ["probe"]
