#!/usr/bin/env bash
# The whole suite, as CI runs it: set up, typecheck (the build), lint, then
# every unit test (beside the code) and every root test (test/), one file at
# a time since root tests check that the host is left as they found it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent lint
mapfile -t files < <(find dist/src dist/test -name '*.test.js' | sort)

# State directories outside the tests' own temporary ones that peer tools
# use whatever they are told: skopeo and podman as root keep a cache in
# /var/lib/containers; conmon runs berth-runtime with its default root; the
# berth CLI starts a daemon on /run/berth when its environment does not say
# otherwise. The tests redirect or remove them; check that they did.
shared=(/var/lib/containers /run/berth-runtime /run/berth /var/lib/berth)
absent=()
for d in "${shared[@]}"; do [[ -e $d ]] || absent+=("$d"); done

status=0
node --test --test-concurrency=1 "$@" "${files[@]}" || status=$?
for d in "${absent[@]}"; do
  if [[ -e $d ]]; then
    echo "the test suite left $d behind; removing it" >&2
    rm -rf "$d"
    status=1
  fi
done
exit $status
