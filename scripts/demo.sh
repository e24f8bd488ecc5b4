#!/usr/bin/env bash
# The main job on a fresh machine: set up, start berthd if it is not running, make the offline
# busybox image if missing, and run a container from it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
SOCK=${BERTH_SOCK:-/run/berth/berth.sock}
export BERTH_HOST=unix://$SOCK
berth() { bin/berth "$@"; }
if ! berth version >/dev/null 2>&1; then
  mkdir -p /var/log
  echo "starting berthd (log: /var/log/berthd.log)" >&2
  nohup node dist/berthd.mjs -H "unix://$SOCK" >>/var/log/berthd.log 2>&1 &
  for _ in $(seq 1 50); do berth version >/dev/null 2>&1 && break; sleep 0.1; done
fi
if ! berth image inspect busybox:latest >/dev/null 2>&1; then
  berth image base busybox >&2
fi
berth run --rm busybox echo "Hello from a berth container: $(uname -sr)"
