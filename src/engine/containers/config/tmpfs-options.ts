/**
 * tmpfs mount options as Docker builds them: its defaults "noexec,nosuid,
 * nodev,rprivate" first, the user's after, and for each flag (or each
 * key=value) only the last one kept, so "--tmpfs /run:exec" yields an
 * executable tmpfs (moby/sys/mount MergeTmpfsOptions).
 */
import { invalidArgument } from '../../../errors.js';
import { MOUNT_FLAG_OPTIONS, PROPAGATION_OPTIONS } from '../../../oci/mount-options.js';
import type { MountSpec } from './host-config.js';

export const TMPFS_DEFAULT_OPTIONS: readonly string[] = Object.freeze(['noexec', 'nosuid', 'nodev', 'rprivate']);

/** The tmpfs data options Docker accepts (key=value). */
const DATA_KEYS = new Set(['size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol']);

/** What a later option replaces: the flag it sets or clears, one key for all propagations, or the data key. */
function collisionKey(option: string, field: string): string {
  if (Object.hasOwn(PROPAGATION_OPTIONS, option)) return 'propagation';
  const flag = Object.hasOwn(MOUNT_FLAG_OPTIONS, option) ? MOUNT_FLAG_OPTIONS[option] : undefined;
  // A bind would mount something other than a tmpfs at the destination.
  if (flag !== undefined && option !== 'bind' && option !== 'rbind') return `flag:${flag.flag}`;
  const eq = option.indexOf('=');
  const key = eq < 0 ? option : option.slice(0, eq);
  if (eq < 0 || !DATA_KEYS.has(key)) throw invalidArgument(field, `invalid tmpfs option ${JSON.stringify(option)}`);
  return `data:${key}`;
}

export function mergeTmpfsOptions(options: readonly string[], field: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = options.length - 1; i >= 0; i--) {
    const option = options[i] as string;
    if (option === 'defaults') continue;
    const key = collisionKey(option, field);
    if (seen.has(key)) continue;
    seen.add(key);
    out.unshift(option);
  }
  return out;
}

/** The options of a tmpfs mount from its data string ("size=64m,exec", as in HostConfig.Tmpfs). */
export function tmpfsMountOptions(data: string, field: string): string[] {
  const user = data === '' ? [] : data.split(',');
  return mergeTmpfsOptions([...TMPFS_DEFAULT_OPTIONS, ...user], field);
}

/** moby's ConvertTmpfsOptions: a `--mount type=tmpfs` as a data string. */
export function tmpfsDataFromMount(m: MountSpec, field: string): string {
  const opts: string[] = [];
  if (m.ReadOnly === true) opts.push('ro');
  const t = m.TmpfsOptions;
  if (t?.Mode) opts.push(`mode=${t.Mode.toString(8)}`);
  if (t?.SizeBytes) opts.push(`size=${humanSize(t.SizeBytes)}`);
  t?.Options?.forEach((o, i) => {
    if (o.length === 1) opts.push(o[0] as string);
    else if (o.length === 2) opts.push(`${o[0]}=${o[1]}`);
    else throw invalidArgument(`${field}.TmpfsOptions.Options[${i}]`, 'must be ["name"] or ["name", "value"]');
  });
  return opts.join(',');
}

/** The largest of g, m, k that divides the size evenly (as Docker writes it). */
function humanSize(bytes: number): string {
  for (const [suffix, unit] of [['g', 2 ** 30], ['m', 2 ** 20], ['k', 2 ** 10]] as const) {
    if (bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}
