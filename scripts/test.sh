#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, builds (tsc type-checks),
# lints, then runs unit tests, integration tests (real berthd, real docker CLI; needs root) and the
# dashboard's browser tests (headless chromium against a real berthd).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
echo "== lint" >&2
node_modules/.bin/eslint src test bench
echo "== unit tests" >&2
# Node 20 has no glob in --test: list the files (helpers under test/ are not tests).
mapfile -t unit < <(find build/test/unit -name '*.test.js' | sort)
node --test "${unit[@]}"
echo "== integration tests" >&2
mapfile -t integ < <(find build/test/integration -name '*.test.js' | sort)
node --test --test-concurrency=1 --test-timeout=600000 "${integ[@]}"
echo "== browser tests" >&2
mapfile -t e2e < <(find build/test/e2e -name '*.test.js' | sort)
node --test --test-concurrency=1 --test-timeout=600000 "${e2e[@]}"
