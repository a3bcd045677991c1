#!/usr/bin/env bash
# Sets up everything berth needs on a Debian 12 machine, idempotently:
# Debian packages, npm dependencies, the C core and probe, the TypeScript build.
set -euo pipefail
cd "$(dirname "$0")/.."

# busybox-static: the test images; runc: the peer the runtime is measured
# against; podman and conmon: a real runc client driving berth-runtime in the
# tests; docker.io: Debian's docker CLI 20.10 (/usr/bin/docker), an older
# API client of berthd (its dockerd is never started by tests); docker-registry, skopeo, umoci, htpasswd (apache2-utils), openssl:
# a real registry and images written by tools nobody here wrote; zstd and
# attr (setfattr) for layers; hyperfine: benchmarks; build tools for the C core.
# berthd itself: tini (its static build is --init), procps (ps for top),
# iproute2, nftables and util-linux (namespaces, veths, rules); bsdutils gives
# the tests script(1), a real terminal for docker run -it.
PACKAGES=(gcc make libc6-dev busybox-static runc hyperfine iproute2 python3 podman conmon docker.io
  docker-registry skopeo umoci apache2-utils openssl zstd attr tar tini procps nftables util-linux bsdutils wrk)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

make -s -C native
node_modules/.bin/tsc -p tsconfig.json
bash scripts/bundle.sh
