/**
 * wrk (Debian's, 4.1) as the network benchmark's load generator: one run
 * against a URL, its summary parsed. wrk counts a request from writing it
 * to the end of the response; with a server that closes every connection
 * (busybox httpd has no keep-alive), it reconnects for every request, so
 * requests/s includes a TCP connection set-up per request through whatever
 * carries the port (DNAT or a proxy), and the latency does not.
 */
import { run } from './timed-command.js';

export const WRK = 'wrk';

export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  /** latency percentiles, ms */
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  /** socket errors (connect, read, write, timeout) and non-2xx answers */
  errors: number;
}

function toMs(v: string, unit: string): number {
  const x = Number(v);
  switch (unit) {
    case 'us':
      return x / 1000;
    case 'ms':
      return x;
    case 's':
      return x * 1000;
    case 'm':
      return x * 60_000;
    default:
      return NaN;
  }
}

export function parseWrk(out: string): WrkResult {
  const pct = (p: number): number => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m?.[1] && m[2] ? toMs(m[1], m[2]) : NaN;
  };
  const total = /^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)/m.exec(out);
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (!total?.[1] || !total[2] || !total[3] || !rps?.[1]) throw new Error(`cannot read wrk's output:\n${out}`);
  return {
    requests: Number(total[1]),
    seconds: toMs(total[2], total[3]) / 1000,
    rps: Number(rps[1]),
    p50: pct(50),
    p75: pct(75),
    p90: pct(90),
    p99: pct(99),
    errors: (sock ? [1, 2, 3, 4].reduce((a, i) => a + Number(sock[i]), 0) : 0) + (non2xx?.[1] ? Number(non2xx[1]) : 0),
  };
}

export async function wrk(url: string, o: { threads: number; connections: number; seconds: number }): Promise<WrkResult> {
  const out = await run(WRK, ['-t', String(o.threads), '-c', String(o.connections), '-d', `${o.seconds}s`, '--timeout', '5s', '--latency', url]);
  return parseWrk(out);
}

export async function wrkVersion(): Promise<string> {
  // wrk prints its version and usage to stdout and exits 1 when given no URL.
  const out = await run(WRK, ['--version']).catch((e: unknown) => (e as Error).message);
  return /\bwrk (\S+) \[/.exec(out)?.[1] ?? 'wrk';
}
