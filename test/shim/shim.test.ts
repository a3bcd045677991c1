/**
 * berth-shim, driven as berthd will drive it: started through a throwaway
 * Node wrapper that exits or is SIGKILLed, then observed only through what
 * outlives the wrapper: the state directory (pid, exit), the json-file log
 * and the attach/control sockets. Protocol: docs/shim.md.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { BUSYBOX, repoRoot } from '../fixtures/paths.js';

const execFileP = promisify(execFile);
const SHIM = join(repoRoot(), 'native', 'build', 'berth-shim');

/** Runs the shim, reports its exit code and stderr as one JSON line, then exits or (STAY) waits to be killed. */
const WRAPPER = `
const { spawnSync } = require('node:child_process');
const r = spawnSync(process.argv[1], process.argv.slice(2), { stdio: ['ignore', 'ignore', 'pipe'] });
process.stdout.write(JSON.stringify({ code: r.status, stderr: String(r.stderr) }) + '\\n');
if (process.env.STAY) setInterval(() => {}, 1000);
`;

interface Started {
  dir: string;
  log: string;
  /** The wrapper's view of the shim's start-up. */
  code: number | null;
  stderr: string;
}

interface ShimOptions {
  log?: string[];
  terminal?: boolean;
  stdin?: boolean;
  /** SIGKILL the wrapper once the shim is up, instead of letting it exit. */
  killParent?: boolean;
}

const RFC3339_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/;

interface LogEntry {
  log: string;
  stream: string;
  time: string;
}

let root = '';
const started: Started[] = [];

async function startShim(command: string[], opts: ShimOptions = {}): Promise<Started> {
  const dir = await mkdtemp(join(root, 'c-'));
  const log = join(dir, 'ctr-json.log');
  const args = ['--state', join(dir, 'state'), '--log', log, ...(opts.log ?? [])];
  if (opts.terminal) args.push('--terminal');
  if (opts.stdin) args.push('--stdin');
  args.push('--', ...command);
  const wrapper = spawn(process.execPath, ['-e', WRAPPER, SHIM, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
    env: { ...process.env, ...(opts.killParent ? { STAY: '1' } : {}) },
  });
  let out = '';
  const line = await new Promise<string>((resolve, reject) => {
    wrapper.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    wrapper.on('error', reject);
    wrapper.on('exit', () => setImmediate(() => reject(new Error(`wrapper exited early: ${out}`))));
  });
  if (opts.killParent) {
    const gone = new Promise((r) => wrapper.on('exit', r));
    wrapper.kill('SIGKILL');
    await gone;
  }
  const r = JSON.parse(line) as { code: number | null; stderr: string };
  const s: Started = { dir: join(dir, 'state'), log, code: r.code, stderr: r.stderr };
  started.push(s);
  return s;
}

function readPid(path: string): number | undefined {
  try {
    return Number(readFileSync(path, 'utf8').trim());
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface ExitFile {
  exitCode: number;
  signal: number;
  finishedAt: string;
}

function exitFileOf(s: Started): Promise<ExitFile> {
  return waitFor('the exit file', () => {
    const p = join(s.dir, 'exit');
    return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as ExitFile) : undefined;
  });
}

/** Waits for the shim process itself to be gone (it removes shim.pid on its way out). */
async function shimGone(s: Started): Promise<void> {
  const pid = readPid(join(s.dir, 'shim.pid'));
  await waitFor('the shim to exit', () => !existsSync(join(s.dir, 'shim.pid')) && (pid === undefined || !alive(pid)));
}

function parseLog(text: string): LogEntry[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as LogEntry);
}

function ppidOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** A connection to a shim socket that collects everything it receives. */
async function open(s: Started, name: 'attach.sock' | 'control.sock'): Promise<{ sock: Socket; data: () => Buffer }> {
  const sock = connect(join(s.dir, name));
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  let buf = Buffer.alloc(0);
  sock.on('data', (d: Buffer) => (buf = Buffer.concat([buf, d])));
  sock.on('error', () => {});
  return { sock, data: () => buf };
}

/** Sends one control command and returns its reply line. */
async function control(s: Started, line: string): Promise<string> {
  const c = await open(s, 'control.sock');
  c.sock.write(line + '\n');
  const reply = await waitFor(`a reply to "${line}"`, () => {
    const t = c.data().toString();
    return t.includes('\n') ? t.slice(0, t.indexOf('\n')) : undefined;
  });
  c.sock.destroy();
  return reply;
}

/** Splits Docker stdcopy frames: 8-byte header (stream, 0, 0, 0, big-endian length), then the payload. */
function frames(buf: Buffer): { stream: number; data: string }[] {
  const out: { stream: number; data: string }[] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off + 4);
    if (off + 8 + len > buf.length) break;
    out.push({ stream: buf[off]!, data: buf.subarray(off + 8, off + 8 + len).toString() });
    off += 8 + len;
  }
  return out;
}

const sh = (script: string): string[] => [BUSYBOX, 'sh', '-c', script];

describe('berth-shim', () => {
  let hostBefore: HostSnapshot;

  before(async () => {
    await execFileP('make', ['-s', '-C', join(repoRoot(), 'native'), 'build/berth-shim']);
    hostBefore = await snapshotHost();
    root = await mkdtemp(join(tmpdir(), 'berth-test-shim-'));
  });

  after(async () => {
    // Whatever a failed test left running: the command first (so the shim
    // drains and exits on its own), then the shim.
    for (const s of started) {
      const cmd = readPid(join(s.dir, 'pid'));
      const shim = readPid(join(s.dir, 'shim.pid'));
      if (shim !== undefined && alive(shim)) {
        if (cmd !== undefined && ppidOf(cmd) === shim) process.kill(cmd, 'SIGKILL');
        await sleep(100);
        if (alive(shim)) process.kill(shim, 'SIGKILL');
      }
    }
    await rm(root, { recursive: true, force: true });
    await assertNoLeaks(hostBefore);
  });

  test('logs every line, in order, after its parent is SIGKILLed', async () => {
    const n = 60;
    const s = await startShim(sh(`i=1; while [ $i -le ${n} ]; do echo "line $i"; i=$((i+1)); sleep 0.01; done`), {
      killParent: true,
    });
    assert.equal(s.code, 0, s.stderr);
    const cmd = readPid(join(s.dir, 'pid'));
    assert.ok(cmd !== undefined && cmd > 0);
    assert.equal(ppidOf(cmd), readPid(join(s.dir, 'shim.pid')), 'the shim is the command’s parent');
    const exit = await exitFileOf(s);
    assert.deepEqual([exit.exitCode, exit.signal], [0, 0]);
    assert.match(exit.finishedAt, RFC3339_NANO);
    await shimGone(s);
    const entries = parseLog(await readFile(s.log, 'utf8'));
    assert.deepEqual(
      entries.map((e) => e.log),
      Array.from({ length: n }, (_, i) => `line ${i + 1}\n`),
    );
    for (const e of entries) {
      assert.equal(e.stream, 'stdout');
      assert.match(e.time, RFC3339_NANO);
    }
    const times = entries.map((e) => Date.parse(e.time));
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'timestamps in order');
    assert.deepEqual((await readdir(s.dir)).sort(), ['exit', 'pid', 'shim.log'], 'sockets and shim.pid removed on exit');
    assert.equal(await readFile(join(s.dir, 'shim.log'), 'utf8'), '', 'no shim errors');
  });

  test('rotation keeps every line: FILE.k … FILE.1 FILE concatenate to the whole output', async () => {
    const n = 300;
    const s = await startShim(sh(`i=1; while [ $i -le ${n} ]; do echo "line $i"; i=$((i+1)); done`), {
      log: ['--log-max-size', '1000', '--log-max-files', '100'],
    });
    assert.equal(s.code, 0, s.stderr);
    await exitFileOf(s);
    await shimGone(s);
    const dir = join(s.log, '..');
    const rotated = (await readdir(dir)).filter((f) => f.startsWith('ctr-json.log.')).map((f) => Number(f.split('.').pop()));
    assert.ok(rotated.length > 5, `rotated ${rotated.length} times`);
    const order = [...rotated.sort((a, b) => b - a).map((k) => `${s.log}.${k}`), s.log];
    let all: LogEntry[] = [];
    for (const f of order) {
      const text = await readFile(f, 'utf8');
      // Rotation happens before the entry that would start past the limit.
      const last = text.trimEnd().lastIndexOf('\n') + 1;
      assert.ok(last < 1000, `${f}: an entry starts past max-size`);
      all = all.concat(parseLog(text));
    }
    assert.deepEqual(
      all.map((e) => e.log),
      Array.from({ length: n }, (_, i) => `line ${i + 1}\n`),
    );
  });

  test('rotation keeps at most --log-max-files files, the newest lines', async () => {
    const n = 300;
    const s = await startShim(sh(`i=1; while [ $i -le ${n} ]; do echo "line $i"; i=$((i+1)); done`), {
      log: ['--log-max-size', '1000', '--log-max-files', '3'],
    });
    await exitFileOf(s);
    await shimGone(s);
    const files = (await readdir(join(s.log, '..'))).filter((f) => f.startsWith('ctr-json.log')).sort();
    assert.deepEqual(files, ['ctr-json.log', 'ctr-json.log.1', 'ctr-json.log.2']);
    const text = [`${s.log}.2`, `${s.log}.1`, s.log].map((f) => readFileSync(f, 'utf8')).join('');
    const lines = parseLog(text).map((e) => Number(e.log.split(' ')[1]));
    assert.equal(lines.at(-1), n);
    assert.deepEqual(lines, Array.from({ length: lines.length }, (_, i) => n - lines.length + 1 + i), 'contiguous');
  });

  test('long lines are split at 16 KiB, stderr is its own stream, escaping is docker’s', async () => {
    const s = await startShim(
      sh(`${BUSYBOX} head -c 40000 /dev/zero | ${BUSYBOX} tr '\\0' a; echo; printf '<&>\\t\\377\\n' >&2; printf tail`),
    );
    await exitFileOf(s);
    await shimGone(s);
    const raw = await readFile(s.log, 'utf8');
    const entries = parseLog(raw);
    const out = entries.filter((e) => e.stream === 'stdout').map((e) => e.log);
    assert.deepEqual(out, ['a'.repeat(16384), 'a'.repeat(16384), 'a'.repeat(40000 - 2 * 16384) + '\n', 'tail\n']);
    const err = entries.filter((e) => e.stream === 'stderr');
    assert.deepEqual(
      err.map((e) => e.log),
      ['<&>\t\ufffd\n'],
    );
    assert.ok(raw.includes('"log":"\\u003c\\u0026\\u003e\\u0009\\ufffd\\n","stream":"stderr"'), raw.slice(-300));
  });

  test('the exit file has the exit code', async () => {
    const s = await startShim(sh('exit 7'));
    assert.equal(s.code, 0, s.stderr);
    const exit = await exitFileOf(s);
    assert.deepEqual([exit.exitCode, exit.signal], [7, 0]);
    await shimGone(s);
  });

  test('kill through control.sock; the exit file has the signal', async () => {
    const s = await startShim([BUSYBOX, 'sleep', '1000'], { killParent: true });
    assert.equal(await control(s, 'kill 9'), 'ok');
    const exit = await exitFileOf(s);
    assert.deepEqual([exit.exitCode, exit.signal], [137, 9]);
    await shimGone(s);
  });

  test('control.sock refuses what it cannot do', async () => {
    const s = await startShim([BUSYBOX, 'sleep', '1000']);
    assert.equal(await control(s, 'resize 24 80'), 'error no terminal');
    assert.equal(await control(s, 'kill nine'), 'error usage: kill SIGNUM');
    assert.equal(await control(s, 'reboot'), 'error unknown command');
    assert.equal(await control(s, 'kill 15'), 'ok');
    await exitFileOf(s);
    await shimGone(s);
  });

  test('a command that cannot be found: start-up says 127, the exit file too', async () => {
    const s = await startShim(['/nonexistent/berth-no-such-command']);
    assert.equal(s.code, 127);
    assert.match(s.stderr, /exec \/nonexistent\/berth-no-such-command: No such file or directory/);
    const exit = await exitFileOf(s);
    assert.equal(exit.exitCode, 127);
    await shimGone(s);
  });

  test('attach: live output in stdcopy frames, input reaches stdin, close-stdin ends it', async () => {
    const s = await startShim(sh('while read l; do echo "out $l"; echo "err $l" >&2; done; echo done'), {
      stdin: true,
      killParent: true,
    });
    const a = await open(s, 'attach.sock');
    a.sock.write('one\n');
    await waitFor('the first answer', () => frames(a.data()).length >= 2);
    a.sock.write('two\n');
    await waitFor('the second answer', () => frames(a.data()).length >= 4);
    assert.equal(await control(s, 'close-stdin'), 'ok');
    const exit = await exitFileOf(s);
    assert.equal(exit.exitCode, 0);
    await waitFor('EOF on attach', () => a.sock.readableEnded || a.sock.destroyed);
    const got = frames(a.data());
    const byStream = (n: number): string => got.filter((f) => f.stream === n).map((f) => f.data).join('');
    assert.equal(byStream(1), 'out one\nout two\ndone\n');
    assert.equal(byStream(2), 'err one\nerr two\n');
    await shimGone(s);
    const entries = parseLog(await readFile(s.log, 'utf8'));
    assert.deepEqual(
      entries.filter((e) => e.stream === 'stdout').map((e) => e.log),
      ['out one\n', 'out two\n', 'done\n'],
    );
  });

  test('without --stdin the command reads EOF', async () => {
    const s = await startShim([BUSYBOX, 'cat']);
    const exit = await exitFileOf(s);
    assert.equal(exit.exitCode, 0);
    await shimGone(s);
  });

  test('--terminal: the command has a tty, resize changes its size', async () => {
    const s = await startShim([BUSYBOX, 'sh'], { terminal: true, killParent: true });
    const a = await open(s, 'attach.sock');
    assert.equal(await control(s, 'resize 30 100'), 'ok');
    // The expressions make the answers differ from the echoed input.
    a.sock.write('[ -t 0 ] && [ -t 1 ] && echo T$((6*7)); stty size\n');
    await waitFor('isatty and the first size', () => /T42\r\n30 100\r\n/.test(a.data().toString()));
    assert.equal(await control(s, 'resize 40 120'), 'ok');
    a.sock.write('stty size\n');
    await waitFor('the new size', () => /\n40 120\r\n/.test(a.data().toString()));
    assert.equal(await control(s, 'close-stdin'), 'error no stdin pipe with a terminal');
    a.sock.write('exit 5\n');
    const exit = await exitFileOf(s);
    assert.equal(exit.exitCode, 5);
    await shimGone(s);
    const entries = parseLog(await readFile(s.log, 'utf8'));
    assert.ok(entries.every((e) => e.stream === 'stdout'));
    assert.ok(entries.some((e) => e.log === '40 120\r\n'), 'the terminal output is logged');
  });

  test('reaps orphans: a double-forked grandchild leaves no zombie', async () => {
    // The subshell forks sleep and exits at once: sleep is orphaned and, the
    // shim being a subreaper, becomes the shim's child, not init's.
    const s = await startShim(sh(`(${BUSYBOX} sleep 1 </dev/null >/dev/null 2>&1 & echo $!); exec ${BUSYBOX} sleep 1000`));
    const shimPid = readPid(join(s.dir, 'shim.pid'));
    const orphan = await waitFor('the orphan’s pid in the log', () => {
      const e = existsSync(s.log) ? parseLog(readFileSync(s.log, 'utf8'))[0] : undefined;
      return e ? Number(e.log.trim()) : undefined;
    });
    const parent = await waitFor('the orphan to leave its first parent', () => {
      const p = ppidOf(orphan);
      return p === undefined ? 'gone' : p === shimPid ? 'shim' : undefined;
    });
    assert.equal(parent, 'shim');
    await waitFor('the orphan to be reaped', () => !existsSync(`/proc/${orphan}`));
    assert.equal(await control(s, 'kill 15'), 'ok');
    const exit = await exitFileOf(s);
    assert.deepEqual([exit.exitCode, exit.signal], [143, 15]);
    await shimGone(s);
  });
});
