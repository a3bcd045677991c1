/**
 * `--security-opt` values as dockerd reads them (moby's parseSecurityOpt):
 * "no-new-privileges[=bool]", "seccomp=unconfined|builtin|<profile JSON>",
 * "apparmor=…", "label=…", "writable-cgroups=bool"; "key:value" is the old
 * spelling of "key=value". Anything else is refused in Docker's words.
 */
import { invalidArgument } from '../../../errors.js';
import { at } from '../../../oci/json-check.js';
import { type DockerSeccompProfile, parseSeccompProfile } from './seccomp-profile.js';

export type SeccompChoice =
  | { kind: 'default' }
  | { kind: 'unconfined' }
  | { kind: 'profile'; profile: DockerSeccompProfile };

export interface SecurityOptions {
  noNewPrivileges: boolean;
  seccomp: SeccompChoice;
  /** --security-opt writable-cgroups: /sys/fs/cgroup mounted read-write */
  writableCgroups: boolean;
  /** kept for inspect; berth does not load AppArmor profiles */
  apparmor?: string;
  /** SELinux label options; berth does not label, so they have no effect */
  labels: string[];
}

/** Go's strconv.ParseBool, which Docker uses for these values. */
function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  return undefined;
}

function split(opt: string): [string, string] | undefined {
  const sep = opt.includes('=') ? '=' : opt.includes(':') ? ':' : undefined;
  if (sep === undefined) return undefined;
  const i = opt.indexOf(sep);
  return [opt.slice(0, i), opt.slice(i + 1)];
}

function seccompChoice(value: string, field: string): SeccompChoice {
  if (value === 'unconfined') return { kind: 'unconfined' };
  if (value === '' || value === 'builtin') return { kind: 'default' };
  return { kind: 'profile', profile: parseSeccompProfile(value, field) };
}

export function parseSecurityOpts(opts: readonly string[] | undefined, field = 'HostConfig.SecurityOpt'): SecurityOptions {
  const out: SecurityOptions = { noNewPrivileges: false, seccomp: { kind: 'default' }, writableCgroups: false, labels: [] };
  (opts ?? []).forEach((opt, i) => {
    const f = at(field, i);
    if (opt === 'no-new-privileges') {
      out.noNewPrivileges = true;
      return;
    }
    if (opt === 'disable') {
      out.labels.push('disable');
      return;
    }
    const kv = split(opt);
    if (kv === undefined) throw invalidArgument(f, `invalid --security-opt 1: ${JSON.stringify(opt)}`);
    const [key, value] = kv;
    const bool = (): boolean => {
      const b = parseBool(value);
      if (b === undefined) throw invalidArgument(f, `invalid --security-opt 2: ${JSON.stringify(opt)}`);
      return b;
    };
    switch (key) {
      case 'label':
        out.labels.push(value);
        return;
      case 'apparmor':
        out.apparmor = value;
        return;
      case 'seccomp':
        out.seccomp = seccompChoice(value, f);
        return;
      case 'no-new-privileges':
        out.noNewPrivileges = bool();
        return;
      case 'writable-cgroups':
        out.writableCgroups = bool();
        return;
      default:
        throw invalidArgument(f, `invalid --security-opt 2: ${JSON.stringify(opt)}`);
    }
  });
  return out;
}
