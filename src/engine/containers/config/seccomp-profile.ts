/**
 * A seccomp profile in Docker's format (`--security-opt seccomp=profile.json`;
 * the docker CLI reads the file and sends its JSON inline). It is the OCI
 * `linux.seccomp` plus moby's extras: `archMap` (architectures by host),
 * `name` for a single syscall, and rules that apply only with or without
 * some capabilities, architectures or kernel versions.
 */
import { invalidArgument } from '../../../errors.js';
import type { SeccompAction, SeccompArg } from '../../../oci/spec.js';
import { expectObject, expectString, isObject } from '../../../oci/json-check.js';
import { validateSeccomp } from '../../../oci/validate-seccomp.js';
import { arrayOf, type Checks, int, nonNegative, objectOf, readFields, stringArray } from './fields.js';

export interface ProfileFilter {
  caps?: string[];
  arches?: string[];
  /** "4.8" */
  minKernel?: string;
}

export interface DockerSyscallRule {
  name?: string;
  names?: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: SeccompArg[];
  comment?: string;
  includes?: ProfileFilter;
  excludes?: ProfileFilter;
}

export interface DockerSeccompProfile {
  defaultAction?: SeccompAction;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures?: string[] }[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: DockerSyscallRule[];
}

const action = (v: unknown, f: string) => expectString(v, f) as SeccompAction;

const filter = objectOf<ProfileFilter>({ caps: stringArray, arches: stringArray, minKernel: expectString });

const arg = objectOf<Required<Pick<SeccompArg, 'index' | 'value' | 'op'>> & Pick<SeccompArg, 'valueTwo'>>({
  index: nonNegative,
  value: nonNegative,
  valueTwo: nonNegative,
  op: (v, f) => expectString(v, f) as SeccompArg['op'],
});

const RULE: Checks<DockerSyscallRule> = {
  name: expectString,
  names: stringArray,
  action,
  errnoRet: int,
  args: arrayOf(arg),
  comment: expectString,
  includes: filter,
  excludes: filter,
};

const PROFILE: Checks<DockerSeccompProfile> = {
  defaultAction: action,
  defaultErrnoRet: int,
  architectures: stringArray,
  archMap: arrayOf(objectOf({ architecture: expectString, subArchitectures: stringArray })),
  flags: stringArray,
  listenerPath: expectString,
  listenerMetadata: expectString,
  syscalls: arrayOf(objectOf(RULE)),
};

/**
 * Every rule and architecture in OCI form, whatever the container's
 * capabilities: unknown actions, operators or architectures are found at
 * create, not at the first start.
 */
function checkAsOci(p: DockerSeccompProfile, field: string): void {
  const mapped = (p.archMap ?? []).flatMap((a) => [a.architecture, ...(a.subArchitectures ?? [])]);
  validateSeccomp(
    {
      ...p,
      architectures: [...(p.architectures ?? []), ...mapped],
      archMap: undefined,
      syscalls: (p.syscalls ?? []).map((s) => ({ names: s.name ? [s.name] : s.names, action: s.action, errnoRet: s.errnoRet, args: s.args })),
    },
    field,
  );
}

/**
 * Parses a profile's JSON text (`field` names where it came from): shapes,
 * moby's own rules, and the OCI names of actions, operators and
 * architectures.
 */
export function parseSeccompProfile(text: string, field: string): DockerSeccompProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw invalidArgument(field, `Decoding seccomp profile failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(raw)) throw invalidArgument(field, 'Decoding seccomp profile failed: want a JSON object');
  const p = readFields(expectObject(raw, field), field, PROFILE);
  if ((p.architectures?.length ?? 0) > 0 && (p.archMap?.length ?? 0) > 0) {
    throw invalidArgument(field, "both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'");
  }
  p.syscalls?.forEach((s, i) => {
    if (s.action === undefined) throw invalidArgument(`${field}.syscalls[${i}].action`, 'is required');
    if (s.name && (s.names?.length ?? 0) > 0) {
      throw invalidArgument(`${field}.syscalls[${i}]`, "both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'");
    }
  });
  // moby: no default action and no rules means no filter at all.
  if (p.defaultAction !== undefined || (p.syscalls?.length ?? 0) > 0) checkAsOci(p, field);
  return p;
}
