import { readFileSync } from 'node:fs';

/**
 * Facts about the host that bound what a container may ask for: the last
 * capability the kernel knows, the caller's own hard rlimits and capability
 * sets. Read once per process; they do not change under us.
 */
export interface HostFacts {
  capLastCap: number;
  /** lower-case rlimit name ("nofile") -> hard limit, -1n = unlimited */
  hardLimits: Map<string, bigint>;
  effectiveCaps: bigint;
  boundingCaps: bigint;
}

let cached: HostFacts | undefined;

export function hostFacts(): HostFacts {
  cached ??= {
    capLastCap: Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim()),
    hardLimits: parseLimits(readFileSync('/proc/self/limits', 'utf8')),
    ...parseCaps(readFileSync('/proc/self/status', 'utf8')),
  };
  return cached;
}

/** Names in /proc/self/limits ("Max open files") mapped to RLIMIT_* suffixes. */
const LIMIT_NAMES: Record<string, string> = {
  'Max cpu time': 'cpu',
  'Max file size': 'fsize',
  'Max data size': 'data',
  'Max stack size': 'stack',
  'Max core file size': 'core',
  'Max resident set': 'rss',
  'Max processes': 'nproc',
  'Max open files': 'nofile',
  'Max locked memory': 'memlock',
  'Max address space': 'as',
  'Max file locks': 'locks',
  'Max pending signals': 'sigpending',
  'Max msgqueue size': 'msgqueue',
  'Max nice priority': 'nice',
  'Max realtime priority': 'rtprio',
  'Max realtime timeout': 'rttime',
};

export function parseLimits(text: string): Map<string, bigint> {
  const limits = new Map<string, bigint>();
  for (const line of text.split('\n').slice(1)) {
    const name = Object.keys(LIMIT_NAMES).find((n) => line.startsWith(n));
    if (!name) continue;
    const fields = line.slice(name.length).trim().split(/\s+/);
    const hard = fields[1];
    if (hard === undefined) continue;
    limits.set(LIMIT_NAMES[name] as string, hard === 'unlimited' ? -1n : BigInt(hard));
  }
  return limits;
}

function parseCaps(status: string): { effectiveCaps: bigint; boundingCaps: bigint } {
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(status);
    return m?.[1] ? BigInt(`0x${m[1]}`) : 0n;
  };
  return { effectiveCaps: field('CapEff'), boundingCaps: field('CapBnd') };
}
