/**
 * Platforms ("linux/arm64/v8") and choosing one manifest of an index, with
 * containerd's rules: architecture aliases are normalized (aarch64 → arm64,
 * x86_64 → amd64, armhf → arm/v7), arm64 means v8 whether or not the variant
 * is written, and unless `strict` a host also accepts what it can run:
 * older variants (amd64/v3 runs v2 and v1, arm/v7 runs v6 and v5), 386 on
 * amd64, and 32-bit arm on arm64, each ranked below an exact match.
 */
import { invalidArgument, notFound } from '../errors.js';
import type { Descriptor, Platform } from './descriptor.js';
import type { ImageIndex } from './manifest.js';
import { isIndexType, isManifestType } from './media-types.js';

const KNOWN_OS = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux',
  'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos',
]);
const KNOWN_ARCH = new Set([
  '386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'loong64', 'mips', 'mipsle', 'mips64',
  'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'ppc64', 'ppc64le', 'riscv', 'riscv64', 's390', 's390x',
  'sparc', 'sparc64', 'wasm',
]);
const SPECIFIER = /^[A-Za-z0-9_-]+$/;

function normalizeOs(os: string): string {
  const lower = os.toLowerCase();
  return lower === 'macos' ? 'darwin' : lower;
}

/** Architecture aliases to GOARCH names; variants to the written form ("v7"). */
function normalizeArch(arch: string, variant: string): { architecture: string; variant: string } {
  const a = arch.toLowerCase();
  const v = variant.toLowerCase();
  switch (a) {
    case 'i386':
    case '386':
      return { architecture: '386', variant: '' };
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return { architecture: 'amd64', variant: v === 'v1' ? '' : v };
    case 'aarch64':
    case 'arm64':
      return { architecture: 'arm64', variant: v === '' || v === '8' || v === 'v8.0' ? 'v8' : /^\d/.test(v) ? `v${v}` : v };
    case 'armhf':
      return { architecture: 'arm', variant: 'v7' };
    case 'armel':
      return { architecture: 'arm', variant: 'v6' };
    case 'arm':
      return { architecture: 'arm', variant: v === '' ? 'v7' : /^\d+$/.test(v) ? `v${v}` : v };
    default:
      return { architecture: a, variant: v };
  }
}

/** Lower-cased, aliases resolved, default variants written out (arm64 → v8, arm → v7). */
export function normalizePlatform(p: Platform): Platform {
  const { architecture, variant } = normalizeArch(p.architecture, p.variant ?? '');
  const out: Platform = { ...p, os: normalizeOs(p.os), architecture };
  delete out.variant;
  if (variant !== '') out.variant = variant;
  return out;
}

/** "linux/amd64", "linux/arm64/v8", or just "linux" or "arm64" (the other half from the host). */
export function parsePlatform(s: string, host: Platform = hostPlatform()): Platform {
  const bad = (why: string) => invalidArgument(`platform ${JSON.stringify(s)}`, why);
  const parts = s.split('/');
  if (parts.length > 3) throw bad('want os[/arch[/variant]]');
  for (const part of parts) if (!SPECIFIER.test(part)) throw bad('want os[/arch[/variant]] of letters, digits, "_" and "-"');
  const [first = '', arch, variant] = parts;
  if (arch === undefined) {
    if (KNOWN_OS.has(normalizeOs(first))) return normalizePlatform({ ...host, os: first });
    const a = normalizeArch(first, '');
    if (KNOWN_ARCH.has(a.architecture)) return normalizePlatform({ os: host.os, architecture: first });
    throw bad('unknown operating system or architecture');
  }
  const p: Platform = { os: first, architecture: arch };
  if (variant !== undefined) p.variant = variant;
  return normalizePlatform(p);
}

/** "linux/arm64/v8", "linux/amd64" */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join('/');
}

const NODE_ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', ppc: 'ppc', s390x: 's390x',
  s390: 's390', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle',
};

/** The platform this process runs on, in OCI terms: x64 → amd64, arm64 → arm64/v8. */
export function hostPlatform(arch: string = process.arch, os: string = process.platform, armVersion?: string): Platform {
  const architecture = NODE_ARCH[arch] ?? arch;
  const p: Platform = { os: os === 'win32' ? 'windows' : os, architecture };
  if (architecture === 'arm64') p.variant = 'v8';
  if (architecture === 'arm') {
    const v = armVersion ?? String((process.config.variables as Record<string, unknown>)['arm_version'] ?? '7');
    p.variant = `v${v.replace(/^v/, '')}`;
  }
  return p;
}

/** Comparison key: the normalized form with the default variant left out. */
function key(p: Platform): string {
  const n = normalizePlatform(p);
  const variant = n.variant === undefined || (n.architecture === 'arm64' && n.variant === 'v8') ? '' : n.variant;
  return `${n.os}/${n.architecture}/${variant}`;
}

const versionOf = (variant: string | undefined): number => Number.parseInt((variant ?? '').replace(/^v/, ''), 10);

/** What `wanted` accepts, most preferred first (containerd's platformVector). */
export function compatiblePlatforms(wanted: Platform, strict = false): Platform[] {
  const w = normalizePlatform(wanted);
  const out: Platform[] = [w];
  if (strict) return out;
  const at = (architecture: string, variant?: string): Platform =>
    variant === undefined ? { os: w.os, architecture } : { os: w.os, architecture, variant };
  const armDown = (from: number) => {
    for (let v = from; v >= 5; v--) out.push(at('arm', `v${v}`));
  };
  if (w.architecture === 'amd64') {
    const n = versionOf(w.variant);
    for (let v = n - 1; v >= 1; v--) out.push(at('amd64', v === 1 ? undefined : `v${v}`));
    out.push(at('386'));
  } else if (w.architecture === 'arm') {
    armDown(versionOf(w.variant) - 1);
  } else if (w.architecture === 'arm64') {
    if (w.variant === undefined || w.variant === 'v8') armDown(8);
  }
  return out;
}

/** Whether an image for `have` runs where `wanted` is asked for. */
export function platformMatches(have: Platform, wanted: Platform, strict = false): boolean {
  const k = key(have);
  return compatiblePlatforms(wanted, strict).some((c) => key(c) === k);
}

export interface SelectOptions {
  /** exact os/arch/variant only (what `--platform` asks for); default false */
  strict?: boolean;
}

/**
 * The best manifest of an index for `wanted`; among equals the first. An
 * entry without a platform is taken only when nothing else matches (its
 * config then says what it is). No match → NotFound listing what there is.
 */
export function selectManifest(index: ImageIndex, wanted: Platform, options: SelectOptions = {}): Descriptor {
  const order = compatiblePlatforms(wanted, options.strict ?? false).map(key);
  let best: Descriptor | undefined;
  let bestRank = Infinity;
  for (const d of index.manifests) {
    if (d.platform === undefined) continue;
    const rank = order.indexOf(key(d.platform));
    if (rank !== -1 && rank < bestRank) {
      best = d;
      bestRank = rank;
    }
  }
  best ??= index.manifests.find((d) => d.platform === undefined && (isManifestType(d.mediaType) || isIndexType(d.mediaType)));
  if (best) return best;
  const available = [
    ...new Set(
      index.manifests.flatMap((d) => (d.platform && d.platform.os !== 'unknown' ? [formatPlatform(d.platform)] : [])),
    ),
  ];
  throw notFound(
    '',
    `no matching manifest for ${formatPlatform(wanted)} in the manifest list entries (available: ${available.join(', ') || 'none'})`,
  );
}
