/**
 * Structural validation of a parsed config.json, in the spirit of runc's
 * config validator and runtime-tools: every field the runtime will read has
 * the right type, the names are ones we know, and the few cross-field rules
 * hold (a hostname needs a uts namespace, mappings need a user namespace).
 * The first problem found is thrown as one InvalidArgument naming the JSON
 * field: `linux.namespaces[0].type: unknown namespace type "foo"`.
 *
 * Nothing here touches the host: whether a path exists, or the kernel
 * supports a namespace, is for the runtime to find out.
 */
import { invalidArgument } from '../errors.js';
import type { Spec } from './spec.js';
import { isCapability } from './capabilities.js';
import { isRlimitType } from './rlimits.js';
import { type NamespaceSet, validateIdMapping, validateLinux } from './validate-linux.js';
import {
  type JsonObject,
  at,
  expectAbsolutePath,
  expectBoolean,
  expectInteger,
  expectObject,
  expectString,
  expectStringArray,
  expectStringMap,
  expectUint32,
  expectUint64,
  optional,
  optionalEach,
  required,
  withoutNulls,
} from './json-check.js';

/** Versions we read: 1.x.y with an optional pre-release or build suffix ("1.0.2-dev"). */
const OCI_VERSION = /^(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function validateVersion(spec: JsonObject): void {
  const v = required(spec, 'ociVersion', '', expectString);
  const m = OCI_VERSION.exec(v);
  if (!m) throw invalidArgument('ociVersion', `invalid version ${JSON.stringify(v)}`);
  if (m[1] !== '1') throw invalidArgument('ociVersion', `unsupported version ${JSON.stringify(v)} (want 1.x)`);
}

function validateRoot(spec: JsonObject): void {
  const root = required(spec, 'root', '', expectObject);
  // A relative path is resolved against the bundle by the caller.
  const path = required(root, 'path', 'root', expectString);
  if (path === '') throw invalidArgument('root.path', 'must not be empty');
  optional(root, 'readonly', 'root', expectBoolean);
}

const CAPABILITY_SETS = ['bounding', 'effective', 'inheritable', 'permitted', 'ambient'] as const;

function validateCapabilities(v: unknown, field: string): void {
  const caps = expectObject(v, field);
  for (const set of CAPABILITY_SETS) {
    optionalEach(caps, set, field, (name, f) => {
      const s = expectString(name, f);
      if (!isCapability(s)) throw invalidArgument(f, `unknown capability ${JSON.stringify(s)}`);
    });
  }
}

function validateRlimits(process: JsonObject, field: string): void {
  const seen = new Set<string>();
  optionalEach(process, 'rlimits', field, (v, f) => {
    const r = expectObject(v, f);
    const type = required(r, 'type', f, expectString);
    if (!isRlimitType(type)) throw invalidArgument(at(f, 'type'), `unknown rlimit type ${JSON.stringify(type)}`);
    if (seen.has(type)) throw invalidArgument(at(f, 'type'), `duplicate rlimit type ${JSON.stringify(type)}`);
    seen.add(type);
    const soft = required(r, 'soft', f, expectUint64);
    const hard = required(r, 'hard', f, expectUint64);
    if (soft > hard) throw invalidArgument(at(f, 'soft'), `soft limit ${soft} is above the hard limit ${hard}`);
  });
}

function validateUser(v: unknown, field: string): void {
  const user = expectObject(v, field);
  required(user, 'uid', field, expectUint32);
  required(user, 'gid', field, expectUint32);
  optional(user, 'umask', field, (x, f) => expectInteger(x, f, { min: 0, max: 0o777 }));
  optionalEach(user, 'additionalGids', field, expectUint32);
  optional(user, 'username', field, expectString);
}

function validateEnv(v: unknown, field: string): void {
  const s = expectString(v, field);
  const eq = s.indexOf('=');
  if (eq <= 0) throw invalidArgument(field, `must be of the form KEY=VALUE, got ${JSON.stringify(s)}`);
}

function validateProcess(v: unknown, field = 'process'): void {
  const p = expectObject(v, field);
  optional(p, 'terminal', field, expectBoolean);
  optional(p, 'consoleSize', field, (x, f) => {
    const size = expectObject(x, f);
    required(size, 'height', f, expectUint32);
    required(size, 'width', f, expectUint32);
  });
  required(p, 'user', field, validateUser);
  const args = required(p, 'args', field, expectStringArray);
  if (args.length === 0) throw invalidArgument(at(field, 'args'), 'must not be empty');
  if (args[0] === '') throw invalidArgument(at(at(field, 'args'), 0), 'must not be empty');
  optional(p, 'commandLine', field, expectString);
  optionalEach(p, 'env', field, validateEnv);
  required(p, 'cwd', field, expectAbsolutePath);
  optional(p, 'capabilities', field, validateCapabilities);
  validateRlimits(p, field);
  optional(p, 'noNewPrivileges', field, expectBoolean);
  optional(p, 'apparmorProfile', field, expectString);
  optional(p, 'selinuxLabel', field, expectString);
  optional(p, 'oomScoreAdj', field, (x, f) => expectInteger(x, f, { min: -1000, max: 1000 }));
}

function validateMount(v: unknown, field: string): void {
  const m = expectObject(v, field);
  required(m, 'destination', field, expectAbsolutePath);
  optional(m, 'type', field, expectString);
  optional(m, 'source', field, expectString);
  optional(m, 'options', field, expectStringArray);
  optionalEach(m, 'uidMappings', field, validateIdMapping);
  optionalEach(m, 'gidMappings', field, validateIdMapping);
}

const HOOK_KINDS = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'];

function validateHook(v: unknown, field: string): void {
  const h = expectObject(v, field);
  required(h, 'path', field, expectAbsolutePath);
  optional(h, 'args', field, expectStringArray);
  optionalEach(h, 'env', field, validateEnv);
  optional(h, 'timeout', field, (x, f) => expectInteger(x, f, { min: 1 }));
}

function validateHooks(v: unknown, field = 'hooks'): void {
  const hooks = expectObject(v, field);
  for (const kind of HOOK_KINDS) optionalEach(hooks, kind, field, validateHook);
}

/** runc refuses to set a hostname it would have to set on the host's uts namespace. */
function validateNames(spec: JsonObject, namespaces: NamespaceSet): void {
  for (const key of ['hostname', 'domainname']) {
    const name = optional(spec, key, '', expectString);
    if (name !== undefined && name !== '' && !namespaces.has('uts')) {
      throw invalidArgument(key, 'requires a uts namespace in linux.namespaces');
    }
  }
}

/**
 * Checks a parsed config.json and returns it typed. The result is a copy in
 * which properties set to null (as Go tools write unset fields) are absent.
 */
export function validateSpec(input: unknown): Spec {
  const spec = expectObject(withoutNulls(input), 'config');
  validateVersion(spec);
  validateRoot(spec);
  optional(spec, 'process', '', validateProcess);
  optionalEach(spec, 'mounts', '', validateMount);
  optional(spec, 'hooks', '', validateHooks);
  optional(spec, 'annotations', '', expectStringMap);
  const namespaces: NamespaceSet = optional(spec, 'linux', '', validateLinux) ?? new Map();
  validateNames(spec, namespaces);
  return spec as unknown as Spec;
}
