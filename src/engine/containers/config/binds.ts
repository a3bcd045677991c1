/**
 * `-v` specs ("src:dst[:mode]", "name:dst", "dst") as moby's Linux parser
 * reads them (volume/mounts/linux_parser.go ParseMountRaw): an absolute
 * source is a bind of a host path, anything else names a volume, a lone
 * destination is an anonymous volume. Errors are Docker's.
 */
import path from 'node:path';

import { invalidArgument } from '../../../errors.js';

export interface BindSpec {
  type: 'bind' | 'volume';
  /** host path (bind) or volume name; absent for an anonymous volume */
  source?: string;
  destination: string;
  readOnly: boolean;
  /** "rprivate", "rshared", … when the mode names one */
  propagation?: string;
  /** "nocopy": a new volume is not filled from the image */
  noCopy?: boolean;
  /** the mode as written ("ro,z") */
  mode: string;
}

const RW = new Set(['rw', 'ro']);
const LABEL = new Set(['z', 'Z']);
export const PROPAGATIONS: ReadonlySet<string> = new Set(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']);
const COPY = new Set(['nocopy']);
const CONSISTENCY = new Set(['consistent', 'cached', 'delegated']);
const KINDS = [RW, LABEL, PROPAGATIONS, COPY, CONSISTENCY];

/** Each option known, and at most one of each kind (one of rw/ro, one propagation, …). */
export function isValidMountMode(mode: string): boolean {
  if (mode === '') return true;
  const counts = KINDS.map(() => 0);
  for (const o of mode.split(',')) {
    const kind = KINDS.findIndex((k) => k.has(o));
    if (kind < 0) return false;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts.every((n) => n <= 1);
}

/** Docker's rule for local volume names. */
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** A container path for a mount: absolute, not "/", cleaned. `fail` words the error. */
export function checkMountTarget(target: string, fail: (detail: string) => never): string {
  if (!target.startsWith('/')) fail(`invalid mount path: '${target}' mount path must be absolute`);
  const clean = path.posix.normalize(target).replace(/(.)\/+$/, '$1');
  if (clean === '/') fail("invalid specification: destination can't be '/'");
  return clean;
}

export function parseBind(raw: string, field: string): BindSpec {
  const invalid = (detail?: string) => invalidArgument(field, `invalid volume specification: '${raw}'${detail ? `: ${detail}` : ''}`);
  const parts = raw.split(':');
  if (parts[0] === '' || parts.length > 3) throw invalid();
  let source: string | undefined;
  let target: string;
  let mode = '';
  if (parts.length === 1) target = parts[0] as string;
  else {
    // "/foo:rw" is a destination with a mode, which only a source may have.
    if (parts.length === 2 && isValidMountMode(parts[1] as string)) throw invalid();
    [source, target, mode = ''] = parts as [string, string, string?];
  }
  if (!isValidMountMode(mode)) throw invalidArgument(field, `invalid mode: ${mode}`);
  const type = source !== undefined && source.startsWith('/') ? 'bind' : 'volume';
  const opts = mode === '' ? [] : mode.split(',');
  const propagation = opts.find((o) => PROPAGATIONS.has(o));
  if (type === 'volume' && propagation !== undefined) {
    throw invalid('invalid mount config for type "volume": field BindOptions must not be specified');
  }
  if (type === 'volume' && source !== undefined && !VOLUME_NAME.test(source)) {
    throw invalid(
      `"${source}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
  const destination = checkMountTarget(target, (d) => {
    throw invalid(`invalid mount config for type "${type}": ${d}`);
  });
  const spec: BindSpec = { type, destination, readOnly: opts.includes('ro'), mode };
  if (source !== undefined) spec.source = type === 'bind' ? path.posix.normalize(source) : source;
  if (propagation !== undefined) spec.propagation = propagation;
  if (opts.includes('nocopy')) spec.noCopy = true;
  return spec;
}
