#!/usr/bin/env bash
# A short walk-through of what berth does today: run a busybox container with
# our own runtime and compare what the host and the container see.
set -euo pipefail
cd "$(dirname "$0")/.."
RT="$PWD/bin/berth-runtime"
WORK=$(mktemp -d /tmp/berth-demo-XXXXXX)
ROOT="$WORK/state"
ID="demo-$$"
cleanup() {
  "$RT" --root "$ROOT" delete --force "$ID" >/dev/null 2>&1 || true
  "$RT" --root "$ROOT" delete --force "$ID-hog" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "A bundle: a busybox rootfs and the config.json that 'berth-runtime spec' writes"
mkdir -p "$WORK/bundle/rootfs/bin" "$WORK/bundle/rootfs/tmp"
cp /bin/busybox "$WORK/bundle/rootfs/bin/"
for applet in $(/bin/busybox --list); do [[ $applet == busybox ]] || ln -sf busybox "$WORK/bundle/rootfs/bin/$applet"; done
"$RT" spec --bundle "$WORK/bundle"
edit_spec() { # edit_spec PYTHON-EXPRESSIONS: change config.json in place
  python3 - "$WORK/bundle/config.json" "$1" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
s = json.load(open(path))
exec(code)
json.dump(s, open(path, "w"), indent=1)
PY
}
edit_spec "s['process']['terminal'] = False; s['hostname'] = 'berth-demo'; s['root']['readonly'] = False; s['linux']['cgroupsPath'] = '/berth-demo-$$'"
echo "rootfs: $(du -sh "$WORK/bundle/rootfs" | cut -f1), namespaces: $(python3 -c "import json;print(', '.join(n['type'] for n in json.load(open('$WORK/bundle/config.json'))['linux']['namespaces']))")"

say "The host sees"
echo "hostname: $(hostname)   processes: $(ls -d /proc/[0-9]* | wc -l)   interfaces: $(ls /sys/class/net | tr '\n' ' ')"

say "The container sees (berth-runtime run)"
edit_spec "s['process']['args'] = ['/bin/sh', '-c', 'echo \"hostname: \$(hostname)   processes: \$(ls -d /proc/[0-9]* | wc -l)   interfaces: \$(ls /sys/class/net | tr \"\\\\n\" \" \")\"; echo; ps; echo; grep -E \"^(CapEff|CapBnd|NoNewPrivs|Seccomp)\" /proc/self/status; echo; cat /proc/self/cgroup | head -3']"
time "$RT" --root "$ROOT" run --bundle "$WORK/bundle" "$ID"

say "The OCI lifecycle: create (waiting), start, exec, state, delete"
edit_spec "s['process']['args'] = ['/bin/sleep', '600']"
"$RT" --root "$ROOT" create --bundle "$WORK/bundle" "$ID"
"$RT" --root "$ROOT" list
"$RT" --root "$ROOT" start "$ID"
"$RT" --root "$ROOT" exec "$ID" /bin/sh -c 'echo "exec sees pid 1 as: $(cat /proc/1/cmdline | tr "\0" " ")"'
"$RT" --root "$ROOT" list
"$RT" --root "$ROOT" delete --force "$ID"

say "A memory limit the kernel enforces: 16 MiB, and a program that wants 64"
edit_spec "s['process']['args'] = ['/bin/sh', '-c', 'x=\$(head -c 67108864 /dev/zero | tr \"\\\\0\" a); echo survived']; s['linux']['resources']['memory'] = {'limit': 16777216}"
set +e
"$RT" --root "$ROOT" run --bundle "$WORK/bundle" "$ID-hog"
code=$?
set -e
echo "exit code $code (137 = killed by SIGKILL: the OOM killer)"

say "The Docker way: berthd (started by the CLI when nothing answers), an image, containers"
export BERTH_ROOT="$WORK/berth-root" BERTH_EXEC_ROOT="$WORK/berth-run"
BERTH="$PWD/bin/berth"
stop_daemon() {
  [[ -f $BERTH_EXEC_ROOT/berthd.pid ]] || return 0
  "$BERTH" rm -f my_app >/dev/null 2>&1 || true
  kill "$(cat "$BERTH_EXEC_ROOT/berthd.pid")" 2>/dev/null || true
  for _ in $(seq 50); do [[ -f $BERTH_EXEC_ROOT/berthd.pid ]] || break; sleep 0.1; done
}
trap 'stop_daemon; cleanup' EXIT
tar -C "$WORK/bundle/rootfs" -czf "$WORK/rootfs.tar.gz" .
"$BERTH" import -c 'CMD ["/bin/sh"]' -c 'ENV GREETING=hello' "$WORK/rootfs.tar.gz" my_image:latest
"$BERTH" images
"$BERTH" run -d --name my_app --memory 64m my_image:latest sh -c 'while true; do echo "$GREETING at $(date +%T)"; sleep 1; done'
sleep 1.5
"$BERTH" ps
"$BERTH" exec my_app sh -c 'echo "exec in my_app: hostname $(hostname), pid 1 is: $(tr "\0" " " < /proc/1/cmdline)"'
"$BERTH" logs --tail 2 my_app
"$BERTH" stats --no-stream my_app
"$BERTH" stop -t 1 my_app
"$BERTH" ps -a --format '{{.Names}}: {{.Status}}'
"$BERTH" rm my_app
"$BERTH" info --format 'berthd: root {{.DockerRootDir}}, log {{.DaemonLog}}'
stop_daemon

say "Done. Everything created here has been removed."
