#!/usr/bin/env bash
# The whole suite, as CI runs it: set up, typecheck (the build), lint, then
# every unit test (beside the code) and every root test (test/), one file at
# a time since root tests check that the host is left as they found it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent lint
mapfile -t files < <(find dist/src dist/test -name '*.test.js' | sort)
exec node --test --test-concurrency=1 "$@" "${files[@]}"
