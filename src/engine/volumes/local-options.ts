/**
 * DriverOpts of Docker's `local` driver, checked as it checks them: only
 * `type`, `device`, `o` and `size`; `type` and `device` go together, and
 * `o` needs both. A volume with `type`/`device` is a mount done at first
 * use (`mount -t <type> -o <o> <device> <_data>`), e.g.
 * `type=tmpfs,device=tmpfs,o=size=64m`, or a bind mount with
 * `type=none,o=bind,device=/srv/x`. `size` asks for a project quota, which
 * berth does not set up: any size above zero is refused, as dockerd does on
 * a file system without quota support.
 */
import { invalidArgument } from '../../errors.js';

export interface VolumeMountSpec {
  type: string;
  device: string;
  /** mount options, "" for none */
  options: string;
}

const VALID = new Set(['type', 'o', 'device', 'size']);
const REQUIRED: ReadonlyArray<[string, string[]]> = [
  ['device', ['type']],
  ['type', ['device']],
  ['o', ['device', 'type']],
];

/** go-units' RAMInBytes: "64m", "1.5GiB", "100" (bytes). */
function ramInBytes(value: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kmgtp])?i?b?$/i.exec(value);
  if (!m) throw invalidArgument('', `invalid size: '${value}'`);
  const exp = ' kmgtp'.indexOf((m[2] ?? ' ').toLowerCase());
  return Number(m[1]) * 1024 ** exp;
}

/** Checks DriverOpts; returns what to mount, or undefined for a plain directory volume. */
export function checkLocalOptions(opts: Readonly<Record<string, string>>): VolumeMountSpec | undefined {
  const keys = Object.keys(opts);
  if (keys.length === 0) return undefined;
  for (const key of keys) {
    if (!VALID.has(key)) throw invalidArgument('', `invalid option: ${JSON.stringify(key)}`);
  }
  const size = opts.size;
  if (size !== undefined && ramInBytes(size) > 0) {
    throw invalidArgument('', 'quota size requested but no quota support');
  }
  for (const [key, needs] of REQUIRED) {
    if (opts[key] === undefined) continue;
    for (const need of needs) {
      if (opts[need] === undefined) throw invalidArgument('', `missing required option: ${JSON.stringify(need)}`);
    }
  }
  const { type, device } = opts;
  if (type === undefined && device === undefined) return undefined;
  if (device === '') throw invalidArgument('', 'missing device in volume options');
  return { type: type ?? '', device: device ?? '', options: opts.o ?? '' };
}
