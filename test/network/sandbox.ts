/**
 * Stand-ins for containers and for another host, made of network namespace
 * files under a per-run temp dir: processes run in them through
 * `nsenter --net=<file>`, with the host's busybox and node. Everything the
 * sandbox starts or creates it also stops and removes.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import { readHostRoutes } from '../../src/network/host-routes.js';
import { createNetns, removeNetns } from '../../src/network/index.js';
import { formatCidr, mask, overlaps, parseCidr } from '../../src/network/ipv4.js';
import { runDirPrefix } from './host-net.js';

const execFileP = promisify(execFile);

export const BUSYBOX = '/bin/busybox';

export class Sandbox {
  private readonly children: ChildProcess[] = [];
  private readonly namespaces: string[] = [];
  private readonly links: string[] = [];
  private constructor(
    readonly dir: string,
    /** The run's suffix, for every name it uses (bridges, tables, devices). */
    readonly suffix: string,
  ) {}

  static async create(suffix: string): Promise<Sandbox> {
    return new Sandbox(await mkdtemp(join(tmpdir(), runDirPrefix(suffix))), suffix);
  }

  /** A namespace file with loopback up. */
  async netns(name: string): Promise<string> {
    const path = join(this.dir, 'ns', name);
    await createNetns(path);
    this.namespaces.push(path);
    return path;
  }

  /** busybox httpd on port 80 in the namespace, serving one file: index.html with `body`. */
  async httpd(ns: string, body: string): Promise<void> {
    const www = join(this.dir, `www-${this.children.length}`);
    await mkdir(www);
    await writeFile(join(www, 'index.html'), body);
    this.start(ns, [BUSYBOX, 'httpd', '-f', '-p', '80', '-h', www]);
    await this.waitFor(ns, 'tcp', 80);
  }

  /**
   * A UDP echo server on `port` in the namespace. Debian's busybox nc has no
   * -u, so it is a few lines of node, run in the namespace like busybox.
   */
  async udpEcho(ns: string, port: number): Promise<void> {
    const js = `const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send(Buffer.concat([Buffer.from('echo:'),m]),r.port,r.address));s.bind(${port});`;
    this.start(ns, [process.execPath, '-e', js]);
    await this.waitFor(ns, 'udp', port);
  }

  /** Runs a command in the namespace; resolves with stdout, rejects on failure. */
  async exec(ns: string, argv: string[], timeoutMs = 5000): Promise<string> {
    const { stdout } = await execFileP('nsenter', [`--net=${ns}`, ...argv], { timeout: timeoutMs });
    return stdout;
  }

  /**
   * HTTP GET from inside the namespace; undefined when it fails. With busybox
   * nc and a hand-written request: Debian's static busybox wget crashes
   * (SIGSEGV) in glibc's resolver even for a literal address.
   */
  async httpGet(ns: string, ip: string, port = 80, timeoutSec = 2): Promise<string | undefined> {
    const argv = ['nsenter', `--net=${ns}`, BUSYBOX, 'nc', '-w', String(timeoutSec), ip, String(port)];
    return new Promise((resolve) => {
      const child = execFile(argv[0] as string, argv.slice(1), { timeout: (timeoutSec + 3) * 1000 }, (err, out) => {
        const body = /\r\n\r\n([\s\S]*)$/.exec(out)?.[1];
        resolve(err || !/^HTTP\/1\.[01] 200/.test(out) ? undefined : body);
      });
      child.stdin?.end(`GET / HTTP/1.0\r\nHost: ${ip}\r\n\r\n`);
    });
  }

  /**
   * Another host: its own namespace, joined to ours by a veth pair on a
   * private /30 (host end .1, other end .2). Returns both addresses.
   */
  async otherHost(subnet30: number): Promise<{ ns: string; hostIp: string; peerIp: string }> {
    const ns = await this.netns('other-host');
    const hostEnd = `bt${this.suffix}u`;
    const ip = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    const hostIp = ip(subnet30 + 1);
    const peerIp = ip(subnet30 + 2);
    this.links.push(hostEnd);
    const script = [
      // Only this end can be set up here: the peer is brought up before the
      // pair is joined, which veth refuses (ENOTCONN).
      `link add ${hostEnd} up type veth peer name eth0 netns ${ns}`,
      `addr add ${hostIp}/30 dev ${hostEnd}`,
    ].join('\n');
    await runWithInput('ip', ['-batch', '-'], `${script}\n`);
    await this.exec(ns, ['ip', 'addr', 'add', `${peerIp}/30`, 'dev', 'eth0']);
    await this.exec(ns, ['ip', 'link', 'set', 'eth0', 'up']);
    return { ns, hostIp, peerIp };
  }

  private start(ns: string, argv: string[]): void {
    const child = spawn('nsenter', [`--net=${ns}`, ...argv], { stdio: 'ignore' });
    child.on('error', () => undefined);
    this.children.push(child);
  }

  /** Polls /proc/net of the namespace (through ss-less busybox netstat) until the port is bound. */
  private async waitFor(ns: string, proto: 'tcp' | 'udp', port: number): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const out = await this.exec(ns, [BUSYBOX, 'netstat', proto === 'tcp' ? '-ltn' : '-lun']).catch(() => '');
      if (new RegExp(`:${port}\\s`).test(out)) return;
      await sleep(20);
    }
    throw new Error(`nothing bound ${proto} port ${port} in ${ns}`);
  }

  async dispose(): Promise<void> {
    for (const c of this.children) {
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        await exited;
      }
    }
    for (const l of this.links) await runWithInput('ip', ['link', 'del', l], '').catch(() => undefined);
    for (const ns of this.namespaces) await removeNetns(ns).catch(() => undefined);
    // Namespaces an interrupted test created but did not record.
    for (const f of await readdir(join(this.dir, 'ns')).catch(() => [])) await removeNetns(join(this.dir, 'ns', f));
    await rm(this.dir, { recursive: true, force: true });
  }
}

function runWithInput(program: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(program, args, (err) => (err ? reject(err) : resolve()));
    child.stdin?.end(input);
  });
}

/** A random private subnet of the given prefix inside 10.0.0.0/8 that no host route covers. */
export async function freeSubnet(prefixLen: number, avoid: string[] = []): Promise<string> {
  const routes = (await readHostRoutes()).filter((r) => r.destination.prefixLen > 0);
  for (;;) {
    const base = ((10 << 24) | Math.floor(Math.random() * 0xffffff)) >>> 0;
    const c = { network: (base & mask(prefixLen)) >>> 0, prefixLen };
    const taken = [...routes.map((r) => r.destination), ...avoid.map((a) => parseCidr(a))];
    if (!taken.some((t) => overlaps(t, c))) return formatCidr(c);
  }
}
