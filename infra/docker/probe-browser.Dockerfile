# syntax=docker/dockerfile:1
# A Vantage probe that also runs browser checks: the probe image plus Debian's Chromium.
# Not built on the machine this was written on (no container engine); build it after
# probe.Dockerfile's image:
#
#   docker build -f infra/docker/probe.Dockerfile -t vantage-probe .
#   docker build -f infra/docker/probe-browser.Dockerfile -t vantage-probe-browser .
#
# Chromium's own sandbox needs user namespaces, which the default seccomp profile of
# most runtimes refuses to an unprivileged process: either allow them for this container
# (a seccomp profile that permits clone/unshare of user namespaces), or let the probe
# start Chromium without its sandbox and rely on the container as the only wall around
# the pages it renders. Never add SYS_ADMIN for it.

FROM vantage-probe
USER root
RUN apt-get update \
  && apt-get install -y --no-install-recommends chromium fonts-liberation \
  && rm -rf /var/lib/apt/lists/*
USER node
