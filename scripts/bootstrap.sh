#!/usr/bin/env bash
# Idempotent set-up of a fresh Debian machine for berth: system packages, npm packages, build.
# Safe to run again: it installs only what is missing and rebuilds.
set -euo pipefail
cd "$(dirname "$0")/.."

# Runtime: runc, conmon, CNI plugins, iptables, tini (--init), busybox-static (offline base
# image), containers-common (default seccomp profile), socat (stdin to conmon's attach socket),
# attr (overlay whiteout xattrs). Tests: skopeo and docker-registry (real registry peers),
# docker-compose (Debian's 1.29, a real client of the Engine API), tmux (a real terminal to resize),
# chromium (the dashboard's browser tests, driven by playwright-core). Build: gcc, libc6-dev and
# zlib1g-dev for berth-logger (native/berth-logger.c, the per-container log writer).
need_pkgs=(runc conmon containernetworking-plugins iptables tini busybox-static gcc libc6-dev zlib1g-dev
  golang-github-containers-common iproute2 procps util-linux attr kmod socat ca-certificates
  skopeo docker-registry openssl docker-compose tmux chromium)
missing=()
for p in "${need_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# The docker CLI drives the integration tests; Debian's docker.io ships one when none is on PATH.
if ! command -v docker >/dev/null 2>&1 && [ "${BERTH_SKIP_DOCKER_CLI:-}" != 1 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends docker.io >&2 || true
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
# Rebuild only when a source is newer than the last build (the demo runs this every time).
if [ ! -f build/.stamp ] || [ ! -f dist/berthd.mjs ] || [ ! -f dist/berth-logger ] || [ -n "$(find src native test bench scripts/build.mjs tsconfig.json package.json package-lock.json -newer build/.stamp -print -quit 2>/dev/null)" ]; then
  npm run --silent build >&2
  touch build/.stamp
fi
