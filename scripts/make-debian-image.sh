#!/usr/bin/env bash
# A real Debian 12 (bookworm) base image without a registry on the internet:
# mmdebstrap builds a root filesystem from Debian's packages (the minbase
# variant plus bash, python3, ca-certificates, procps, iproute2 and curl,
# about 130 MB unpacked), cached as .cache/debian-rootfs.tar, and berth
# imports it as one image (default my_image:latest, CMD /bin/bash).
#
# It can also cut the same root filesystem into a multi-layer OCI image
# (base system, python3, extras: the files of each group of Debian packages),
# write it as an OCI image layout and push it to a registry with skopeo; the
# pull benchmark (bench/image-pull.ts) uses that.
#
#   scripts/make-debian-image.sh                         # import as my_image:latest
#   scripts/make-debian-image.sh --name debian:12        # another name
#   scripts/make-debian-image.sh --oci /tmp/layout       # OCI layout, tag "latest"
#   scripts/make-debian-image.sh --push 127.0.0.1:5000/debian:12   # plain-HTTP registry
#
# Idempotent: the rootfs and the layout are built once and reused (--rebuild
# builds both again), and an image already imported from the same rootfs is
# left as it is. Needs root (mmdebstrap's root mode); installs the Debian
# package mmdebstrap if it is missing. Network: only Debian's mirrors, as
# configured for apt on this host. Temporary directories are removed on every
# exit path; only the cache stays.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE="$REPO/.cache"
ROOTFS="$CACHE/debian-rootfs.tar"
LAYOUT="$CACHE/debian-oci" # the multi-layer OCI layout, tag "latest"
SUITE=bookworm
PACKAGES=bash,python3,ca-certificates,procps,iproute2,curl
LABEL=org.berth.debian-rootfs # the rootfs digest, on the imported image

name=my_image:latest
rebuild=0
oci_dir=""
push_ref=""
import=auto

usage() {
  cat <<EOF
usage: scripts/make-debian-image.sh [options]

  --name NAME       the berth image to import as (default my_image:latest)
  --rebuild         build the root filesystem (and the layout) again
  --oci DIR[:TAG]   write the multi-layer image as an OCI image layout in DIR
  --push REF        push the multi-layer image to a plain-HTTP registry,
                    REF = HOST:PORT/REPO[:TAG] (skopeo, no TLS verification)
  --import          import into berth as well (the default without --oci/--push)
  --no-import       do not import into berth

Root filesystem cache: $ROOTFS. berth's state root: BERTH_ROOT, as for berth.
EOF
}

while (($# > 0)); do
  case "$1" in
    --name) name=${2:?--name wants a value}; shift 2 ;;
    --name=*) name=${1#*=}; shift ;;
    --rebuild) rebuild=1; shift ;;
    --oci) oci_dir=${2:?--oci wants a directory}; shift 2 ;;
    --oci=*) oci_dir=${1#*=}; shift ;;
    --push) push_ref=${2:?--push wants HOST:PORT/REPO[:TAG]}; shift 2 ;;
    --push=*) push_ref=${1#*=}; shift ;;
    --import) import=1; shift ;;
    --no-import) import=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "make-debian-image: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [[ $import == auto ]]; then
  [[ -z $oci_dir && -z $push_ref ]] && import=1 || import=0
fi

say() { echo "make-debian-image: $*" >&2; }
die() { say "$*"; exit 1; }

[[ $(id -u) -eq 0 ]] || die "run as root (mmdebstrap builds the root filesystem in root mode)"

TMP=""
cleanup() {
  # mmdebstrap unmounts what it mounted itself; this removes what is left of our work.
  [[ -n $TMP ]] && rm -rf --one-file-system "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$CACHE"
TMP=$(mktemp -d "$CACHE/tmp.XXXXXX")

need_package() { # COMMAND PACKAGE
  command -v "$1" >/dev/null && return
  say "installing the Debian package $2"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}

# skopeo as the tests run it (test/fixtures/registry/test-image.ts): as root it
# keeps a blob-info cache in /var/lib/containers whatever it copies; made to
# believe it runs rootless it keeps it under HOME, here our temporary directory.
skopeo_() {
  need_package skopeo skopeo
  mkdir -p "$TMP/skopeo-home"
  [[ -f $TMP/policy.json ]] || echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$TMP/policy.json"
  HOME="$TMP/skopeo-home" XDG_DATA_HOME="$TMP/skopeo-home/xdg" _CONTAINERS_ROOTLESS_UID=1000 \
    skopeo --policy "$TMP/policy.json" "$@"
}

# The bookworm entries of the host's apt sources, as mmdebstrap mirror lines:
# the same mirror (and proxy, if any) that apt uses here.
mirror_lines() {
  apt-get indextargets --format '$(TARGET_OF) $(REPO_URI) $(RELEASE) $(COMPONENT)' |
    awk -v suite="$SUITE" '$1 == "deb" && ($3 == suite || index($3, suite "-") == 1) { print "deb " $2 " " $3 " " $4 }' |
    sort -u
}

build_rootfs() {
  need_package mmdebstrap mmdebstrap
  local mirrors=()
  mapfile -t mirrors < <(mirror_lines)
  ((${#mirrors[@]} > 0)) || die "no $SUITE entries in this host's apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d)"
  say "building a Debian $SUITE root filesystem with mmdebstrap (minbase + $PACKAGES) from:"
  printf '  %s\n' "${mirrors[@]}" >&2
  say "(a minute or so)"
  local aptopts=()
  # A host whose mirror serves expired Release files (a snapshot) says so in
  # its apt configuration; mmdebstrap does not read that, so pass it on.
  if [[ $(apt-config dump Acquire::Check-Valid-Until 2>/dev/null) == *'"false"'* ]]; then
    aptopts+=(--aptopt='Acquire::Check-Valid-Until "false"')
  fi
  local proxy
  proxy=$(apt-config dump Acquire::http::Proxy 2>/dev/null | sed -n 's/^Acquire::http::Proxy "\(.*\)";$/\1/p')
  [[ -n $proxy ]] && aptopts+=(--aptopt="Acquire::http::Proxy \"$proxy\"")
  # Lean as Debian's "slim" images: no manual pages, documentation (but the
  # copyright files) or translations; the rule stays in the image's dpkg
  # configuration, so later installs skip them too.
  local dpkgopts=() p
  for p in /usr/share/man /usr/share/info /usr/share/groff /usr/share/lintian /usr/share/linda /usr/share/locale /usr/share/doc; do
    dpkgopts+=(--dpkgopt="path-exclude=$p/*")
  done
  dpkgopts+=(--dpkgopt='path-include=/usr/share/doc/*/copyright')
  # merged-usr: /bin, /lib… as symlinks into /usr made by a hook, not by the
  # usrmerge package (which would pull in perl). The apt options were for
  # building only; the image keeps Debian's defaults.
  TMPDIR="$TMP" mmdebstrap --mode=root --variant=minbase --include="$PACKAGES" --format=tar \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr "${dpkgopts[@]}" "${aptopts[@]}" \
    --customize-hook='rm -f "$1"/etc/apt/apt.conf.d/99mmdebstrap' \
    "$SUITE" "$TMP/rootfs.tar" "${mirrors[@]}" >"$TMP/mmdebstrap.log" 2>&1 || {
    tail -n 40 "$TMP/mmdebstrap.log" >&2
    die "mmdebstrap failed (the last lines of its output are above)"
  }
  mv "$TMP/rootfs.tar" "$ROOTFS"
  rm -rf "$LAYOUT"
}

# Splits the rootfs tar into layer tars by Debian package group, in order:
# base (essential, required, apt and what they depend on), python3 (python3
# and what it needs beyond base), extras (everything else). A file goes to
# the group of the package that owns it (dpkg's file lists, /bin → /usr/bin
# and the like resolved); a file no package owns (a __pycache__, ld.so.cache,
# dpkg's own records of a package) goes with its package or its nearest owned
# directory; a hard link goes with its target. Each layer also carries the
# directories above its files. The layers stacked give back the rootfs exactly.
split_layers() { # ROOTFS OUTDIR
  python3 - "$1" "$2" <<'PY'
import os, re, sys, tarfile

src, out = sys.argv[1], sys.argv[2]
GROUPS = ['base', 'python3', 'extras']

def norm(name):
    name = name[2:] if name.startswith('./') else name.lstrip('/')
    return name.rstrip('/')

tf = tarfile.open(src, 'r:')
members = tf.getmembers()
by_name = {norm(m.name): m for m in members}

def read(path):
    m = by_name.get(path)
    return tf.extractfile(m).read().decode() if m is not None and m.isfile() else ''

# dpkg's status: installed packages, their priorities and dependencies.
pkgs = {}
for para in read('var/lib/dpkg/status').split('\n\n'):
    fields, key = {}, None
    for line in para.splitlines():
        if line[:1] in (' ', '\t') and key:
            fields[key] += ' ' + line.strip()
        elif ':' in line:
            key, _, val = line.partition(':')
            fields[key] = val.strip()
    if 'Package' in fields and fields.get('Status', '').endswith(' installed'):
        pkgs[fields['Package']] = fields

def deps(p):
    out = []
    for field in ('Pre-Depends', 'Depends'):
        for alt in pkgs[p].get(field, '').split(','):
            # The first alternative that is installed satisfies it.
            names = [re.split(r'[\s(:]', a.strip())[0] for a in alt.split('|') if a.strip()]
            out += [n for n in names if n in pkgs][:1]
    return out

def closure(roots):
    seen, todo = set(), [p for p in roots if p in pkgs]
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo += deps(p)
    return seen

base = closure([p for p, f in pkgs.items() if f.get('Essential') == 'yes' or f.get('Priority') == 'required'] + ['apt'])
python = closure(['python3']) - base
group_of_pkg = {p: 0 if p in base else 1 if p in python else 2 for p in pkgs}

# /bin, /sbin, /lib… are symlinks into /usr (merged /usr): dpkg's lists still say /bin/bash.
merged = {n: norm(m.linkname if m.linkname.startswith('/') else n.rsplit('/', 1)[0] + '/' + m.linkname if '/' in n else m.linkname)
          for n, m in by_name.items() if '/' not in n and m.issym()}
def canon(path):
    top, _, rest = path.partition('/')
    return merged[top] + ('/' + rest if rest else '') if top in merged else path

owner = {}  # path → lowest group owning it
for m in members:
    n = norm(m.name)
    mm = re.fullmatch(r'var/lib/dpkg/info/([^/:]+)(?::[^/.]+)?\.[^/]+', n)
    if mm and mm.group(1) in group_of_pkg:
        owner[n] = group_of_pkg[mm.group(1)]
        if n.endswith('.list'):
            g = group_of_pkg[mm.group(1)]
            for line in tf.extractfile(m).read().decode().splitlines():
                p = canon(norm(line))
                if p and p != '.':
                    owner[p] = min(owner.get(p, g), g)

def group(n):
    p = n
    while True:
        if p in owner:
            return owner[p]
        if '/' not in p:
            return 0
        p = p.rsplit('/', 1)[0]

layer_of, need = {}, [set(), set(), set()]
for m in members:
    n = norm(m.name)
    if n in ('', '.'):
        continue
    g = layer_of[norm(m.linkname)] if m.islnk() and norm(m.linkname) in layer_of else group(n)
    layer_of[n] = g
    need[g].add(n)
    p = n
    while '/' in p:  # the directories above it, in the same layer
        p = p.rsplit('/', 1)[0]
        need[g].add(p)

sizes = [0, 0, 0]
outs = [tarfile.open(os.path.join(out, f'{i}-{GROUPS[i]}.tar'), 'w:', format=tarfile.PAX_FORMAT) for i in range(3)]
for m in members:
    n = norm(m.name)
    for i in range(3):
        if n in need[i] and (m.isdir() or layer_of.get(n) == i):
            outs[i].addfile(m, tf.extractfile(m) if m.isfile() else None)
            sizes[i] += m.size if m.isfile() else 0
for t in outs:
    t.close()
counts = {GROUPS[g]: sum(1 for v in group_of_pkg.values() if v == g) for g in range(3)}
for i in range(3):
    print(f'  layer {i + 1}: {GROUPS[i]:8} {counts[GROUPS[i]]:3} packages, {sizes[i] / 1e6:6.1f} MB of files', file=sys.stderr)
PY
}

build_layout() {
  need_package umoci umoci
  say "cutting $ROOTFS into layers for an OCI image layout"
  mkdir "$TMP/layers"
  split_layers "$ROOTFS" "$TMP/layers"
  local l="$TMP/layout"
  umoci init --layout "$l"
  umoci new --image "$l:latest"
  local t
  for t in "$TMP"/layers/*.tar; do
    local what
    what=$(basename "$t" .tar)
    umoci raw add-layer --image "$l:latest" --history.created_by="make-debian-image.sh: ${what#*-}" "$t"
    rm "$t"
  done
  umoci config --image "$l:latest" --config.cmd /bin/bash \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --os linux --architecture "$(dpkg --print-architecture)" --history.created_by='make-debian-image.sh: CMD ["/bin/bash"]'
  umoci gc --layout "$l"
  rm -rf "$LAYOUT"
  mv "$l" "$LAYOUT"
}

# 1. The root filesystem.
if ((rebuild)) || [[ ! -s $ROOTFS ]]; then
  build_rootfs
else
  say "using the cached root filesystem $ROOTFS (--rebuild to build it again)"
fi
unpacked=$(tar -tvf "$ROOTFS" | awk '{ s += $3 } END { printf "%.0f", s / 1e6 }')
say "root filesystem: $(du -m "$ROOTFS" | cut -f1) MB tar, $unpacked MB of files"

# 2. The multi-layer layout, when asked for.
if [[ -n $oci_dir || -n $push_ref ]]; then
  if [[ ! -s $LAYOUT/index.json || $ROOTFS -nt $LAYOUT/index.json ]]; then
    build_layout
  else
    say "using the cached OCI layout $LAYOUT"
  fi
  if [[ -n $oci_dir ]]; then
    dir=${oci_dir%%:*}
    tag=latest
    [[ $oci_dir == *:* ]] && tag=${oci_dir#*:}
    # skopeo copies the one image under its tag; a layout already in DIR keeps its other tags.
    skopeo_ copy --quiet "oci:$LAYOUT:latest" "oci:$dir:$tag"
    say "wrote the OCI image layout $dir, tag $tag"
  fi
  if [[ -n $push_ref ]]; then
    say "pushing to $push_ref"
    skopeo_ copy --quiet --dest-tls-verify=false "oci:$LAYOUT:latest" "docker://$push_ref"
  fi
fi

# 3. The berth image.
if ((import)); then
  berth=("$REPO/bin/berth")
  [[ -f $REPO/dist/bundle/berth/berth.mjs ]] || die "berth is not built: run npm run build first"
  digest="sha256:$(sha256sum "$ROOTFS" | cut -d' ' -f1)"
  if "${berth[@]}" image inspect --format '{{json .Config.Labels}}' "$name" 2>/dev/null | grep -qF "\"$LABEL\":\"$digest\""; then
    say "$name is already this root filesystem: nothing to do"
  else
    say "importing into berth as $name"
    "${berth[@]}" import -c 'CMD ["/bin/bash"]' -c "LABEL $LABEL=$digest" -m "make-debian-image.sh: Debian $SUITE" "$ROOTFS" "$name" >/dev/null
  fi
  "${berth[@]}" images "$name"
fi
