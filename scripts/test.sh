#!/usr/bin/env bash
# The whole suite, as CI runs it: set up, typecheck (the build), lint, then
# every unit test (beside the code) and every root test (test/), one file at
# a time since root tests check that the host is left as they found it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent lint
mapfile -t files < <(find dist/src dist/test -name '*.test.js' | sort)

# Peer tools (skopeo, podman) keep state in /var/lib/containers as root
# whatever they are told; the tests keep them out of it. Check they did.
shared_state=/var/lib/containers
had_shared_state=$([[ -e $shared_state ]] && echo yes || echo no)

status=0
node --test --test-concurrency=1 "$@" "${files[@]}" || status=$?
if [[ $had_shared_state == no && -e $shared_state ]]; then
  echo "test suite left $shared_state behind (a peer tool ran without its cache redirected); removing it" >&2
  rm -rf "$shared_state"
  status=1
fi
exit $status
