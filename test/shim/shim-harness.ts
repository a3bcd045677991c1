/**
 * For root tests of containers under berth-shim through LinuxRuntime: a
 * runtime with a state root of its own, a directory for shim state and
 * logs, a leak check around every test, and readers for what the shim
 * leaves (json-file log, stdcopy frames).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import { LinuxRuntime } from '../../src/runtime/linux-runtime.js';
import { ShimClient, stopShim } from '../../src/runtime/shim/index.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { repoRoot } from '../fixtures/paths.js';

const execFileP = promisify(execFile);

export interface ShimEnv {
  readonly runtime: LinuxRuntime;
  /** the runtime's state root */
  readonly root: string;
  /** A fresh path for one shim's state directory (not created: the shim makes it). */
  shimDir(name: string): string;
}

/** For a describe() block; read the fields inside tests and hooks only. */
export function useShimEnv(): ShimEnv {
  let dir = '';
  let runtime: LinuxRuntime | undefined;
  let host: HostSnapshot | undefined;
  const dirs: string[] = [];
  let made = 0;
  before(async () => {
    await execFileP('make', ['-s', '-C', join(repoRoot(), 'native')]);
    dir = await mkdtemp(join(tmpdir(), 'berth-test-shimc-'));
    runtime = new LinuxRuntime({ root: join(dir, 'root') });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    host = await snapshotHost();
  });
  afterEach(async () => {
    // What a failed test left: its containers, then their shims.
    for (const s of (await runtime?.list()) ?? []) await (await runtime!.load(s.id)).delete(true).catch(() => {});
    for (const d of dirs.splice(0)) await stopShim(new ShimClient(d));
    if (host) await assertNoLeaks(host);
  });
  return {
    get runtime() {
      if (!runtime) throw new Error('useShimEnv: read before the before() hook ran');
      return runtime;
    },
    get root() {
      return join(dir, 'root');
    },
    shimDir(name: string) {
      const d = join(dir, `${name}-${made++}`);
      dirs.push(d);
      return d;
    },
  };
}

export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export interface LogEntry {
  log: string;
  stream: string;
  time: string;
}

export function readLog(file: string): LogEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as LogEntry);
}

/** The payload of Docker stdcopy frames, per stream (1 stdout, 2 stderr). */
export function unframe(buf: Buffer): { 1: string; 2: string } {
  const out = { 1: '', 2: '' };
  let off = 0;
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off + 4);
    if (off + 8 + len > buf.length) break;
    const stream = buf[off] === 2 ? 2 : 1;
    out[stream] += buf.subarray(off + 8, off + 8 + len).toString();
    off += 8 + len;
  }
  return out;
}

/** Collects what a socket receives; `ended` resolves when it closes. */
export function collect(sock: Socket): { data: () => Buffer; ended: Promise<void> } {
  let buf = Buffer.alloc(0);
  sock.on('data', (d: Buffer) => (buf = Buffer.concat([buf, d])));
  sock.on('error', () => {});
  const ended = new Promise<void>((resolve) => sock.on('close', () => resolve()));
  return { data: () => buf, ended };
}

export function ppidOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
