/**
 * Talking to a running berth-shim through its state directory
 * (docs/shim.md): attach.sock for the stream, control.sock for one-line
 * commands, `exit` for the recorded status, shim.json to tell a live shim
 * from a stale file. /run may be on disk, so a pid is trusted only with its
 * start time and this boot's id.
 */
import { closeSync, constants as fsConstants, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import path from 'node:path';

import { BerthError, conflict, errnoCode, failedPrecondition, invalidArgument, unavailable } from '../../errors.js';
import { bootId, isAlive } from '../process-info.js';

export interface ShimExit {
  /** the exit code; 128+signal when a signal ended the process */
  exitCode: number;
  signal: number;
  /** RFC3339Nano, UTC */
  finishedAt: string;
}

/** sizeof(sockaddr_un.sun_path), the terminating NUL included. */
const SUN_PATH_MAX = 108;

/** shim.json: who the shim is. */
interface ShimIdentity {
  pid: number;
  startTime: number;
  bootId: string;
}

export class ShimClient {
  readonly stateDir: string;

  constructor(stateDir: string) {
    this.stateDir = path.resolve(stateDir);
  }

  private get context(): string {
    return `shim ${this.stateDir}`;
  }

  /** A connection to attach.sock: live output from now on; what is written goes to stdin. */
  attach(): Promise<Socket> {
    return this.open('attach.sock');
  }

  async resize(rows: number, cols: number): Promise<void> {
    const ok = (n: number) => Number.isInteger(n) && n >= 0 && n <= 65535;
    if (!ok(rows) || !ok(cols)) throw invalidArgument('resize', `rows and columns must be from 0 to 65535, got ${rows}x${cols}`);
    return this.request(`resize ${rows} ${cols}`);
  }

  /** Signals the recorded process (a number: names are parsed by the caller, see parseSignal). */
  async kill(signum: number): Promise<void> {
    if (!Number.isInteger(signum) || signum < 1 || signum > 64) throw invalidArgument('signal', `no signal number ${signum}`);
    return this.request(`kill ${signum}`);
  }

  /** Closes the process's stdin pipe once queued input is written (docker's StdinOnce). */
  /**
   * A round trip on the control socket. The shim accepts attach connections
   * before control ones in each turn of its loop, so once this answers, every
   * attach connection made before it is being served: output from then on
   * reaches it.
   */
  ping(): Promise<void> {
    return this.request('ping');
  }

  closeStdin(): Promise<void> {
    return this.request('close-stdin');
  }

  /** The recorded exit, or undefined while there is none. */
  async readExit(): Promise<ShimExit | undefined> {
    let text: string;
    try {
      text = await readFile(path.join(this.stateDir, 'exit'), 'utf8');
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return undefined;
      throw e;
    }
    const j = JSON.parse(text) as Partial<ShimExit>;
    if (typeof j.exitCode !== 'number' || typeof j.signal !== 'number' || typeof j.finishedAt !== 'string') {
      throw failedPrecondition(this.context, `malformed exit file: ${text.trim()}`);
    }
    return { exitCode: j.exitCode, signal: j.signal, finishedAt: j.finishedAt };
  }

  /** The shim of shim.json runs: same boot, same pid and start time. */
  isRunning(): boolean {
    return this.process() !== undefined;
  }

  /** The shim's pid and start time, only while it runs. */
  process(): { pid: number; startTime: number } | undefined {
    let id: ShimIdentity;
    try {
      id = JSON.parse(readFileSync(path.join(this.stateDir, 'shim.json'), 'utf8')) as ShimIdentity;
    } catch {
      return undefined; // none (a shim removes it as it exits) or torn by a crash
    }
    if (id.bootId !== bootId() || !isAlive(id.pid, id.startTime)) return undefined;
    return { pid: id.pid, startTime: id.startTime };
  }

  /**
   * The exit, once recorded. Holds one control connection with a "wait"
   * command, which the shim answers when it has written the exit file.
   * Undefined when the shim is gone without recording one (it was killed,
   * or the machine rebooted): the process's fate is unknown.
   */
  async waitExit(): Promise<ShimExit | undefined> {
    if (this.isRunning()) {
      // No answer (EOF, or nobody listening) means the shim is gone: the exit file says the rest.
      await this.exchange('wait').catch((e: unknown) => {
        if (!(e instanceof BerthError && e.category === 'Unavailable')) throw e;
      });
    }
    return this.readExit();
  }

  /** One control command; its reply line is "ok" or "error <message>". */
  private async request(line: string): Promise<void> {
    const reply = await this.exchange(line);
    if (reply === 'ok') return;
    throw replyError(this.context, reply.replace(/^error /, ''));
  }

  /** Sends one line on a connection of its own and returns the reply line. */
  private async exchange(line: string): Promise<string> {
    const sock = await this.open('control.sock');
    try {
      const reply = await new Promise<string | undefined>((resolve, reject) => {
        let buf = '';
        sock.setEncoding('utf8');
        sock.on('data', (d: string) => {
          buf += d;
          const nl = buf.indexOf('\n');
          if (nl >= 0) resolve(buf.slice(0, nl));
        });
        sock.on('close', () => resolve(undefined));
        // The shim died with our line unread: as good as a close.
        sock.on('error', (e) => (['ECONNRESET', 'EPIPE'].includes(errnoCode(e) ?? '') ? resolve(undefined) : reject(e)));
        sock.write(`${line}\n`);
      });
      if (reply === undefined) throw unavailable(this.context, `closed the control connection without answering "${line}"`);
      return reply;
    } finally {
      sock.destroy();
    }
  }

  private open(name: string): Promise<Socket> {
    const full = path.join(this.stateDir, name);
    // A unix socket's path must fit in sun_path (108 bytes), and libuv cuts a
    // longer one short rather than fail. An exec's state directory under
    // /run/berth/containers/<64 hex>/execs/… is longer: reach the socket
    // through a descriptor of its directory instead.
    let dirFd: number | undefined;
    let target = full;
    if (Buffer.byteLength(full) >= SUN_PATH_MAX) {
      try {
        dirFd = openSync(this.stateDir, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
      } catch (e) {
        const code = errnoCode(e);
        if (code === 'ENOENT') return Promise.reject(unavailable(this.context, `not running (${name}: ${code})`));
        return Promise.reject(e as Error);
      }
      target = `/proc/self/fd/${dirFd}/${name}`;
    }
    return new Promise<Socket>((resolve, reject) => {
      const sock = connect(target);
      sock.once('connect', () => {
        sock.removeAllListeners('error');
        resolve(sock);
      });
      sock.once('error', (e) => {
        const code = errnoCode(e);
        // ECONNRESET: the shim accepted and closed as it exited, between our connect and its unlink.
        if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ECONNRESET') reject(unavailable(this.context, `not running (${name}: ${code})`));
        else reject(e);
      });
    }).finally(() => {
      if (dirFd !== undefined) closeSync(dirFd);
    });
  }
}

function replyError(context: string, message: string): BerthError {
  if (message.startsWith('usage:')) return invalidArgument(context, message);
  if (message === 'process has exited' || message === 'process not started') return conflict(context, message);
  return failedPrecondition(context, message);
}
