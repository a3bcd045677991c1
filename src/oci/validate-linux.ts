/**
 * Structural checks of the `linux` section of config.json: namespaces and id
 * mappings, devices, sysctls, masked and read-only paths, propagation,
 * seccomp, and the number types of `resources`.
 */
import { invalidArgument } from '../errors.js';
import type { NamespaceType } from './spec.js';
import { isNamespaceType } from './namespaces.js';
import { isPropagationOption } from './mount-options.js';
import { validateSeccomp } from './validate-seccomp.js';
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
} from './json-check.js';

/** Namespaces asked for: type → whether it joins an existing one (has a path). */
export type NamespaceSet = Map<NamespaceType, { path?: string }>;

export function validateNamespaces(linux: JsonObject, field: string): NamespaceSet {
  const set: NamespaceSet = new Map();
  optionalEach(linux, 'namespaces', field, (v, f) => {
    const ns = expectObject(v, f);
    const type = required(ns, 'type', f, expectString);
    if (!isNamespaceType(type)) throw invalidArgument(at(f, 'type'), `unknown namespace type ${JSON.stringify(type)}`);
    if (set.has(type)) throw invalidArgument(at(f, 'type'), `duplicate namespace type ${JSON.stringify(type)}`);
    const path = optional(ns, 'path', f, expectAbsolutePath);
    set.set(type, path === undefined ? {} : { path });
  });
  return set;
}

export function validateIdMapping(v: unknown, field: string): void {
  const m = expectObject(v, field);
  required(m, 'containerID', field, expectUint32);
  required(m, 'hostID', field, expectUint32);
  required(m, 'size', field, (x, f) => expectInteger(x, f, { min: 1, max: 0xffff_ffff }));
}

/** Mappings and a user namespace go together (as runc checks). */
function validateUserNamespace(linux: JsonObject, field: string, namespaces: NamespaceSet): void {
  optionalEach(linux, 'uidMappings', field, validateIdMapping);
  optionalEach(linux, 'gidMappings', field, validateIdMapping);
  const uid = Array.isArray(linux['uidMappings']) && linux['uidMappings'].length > 0;
  const gid = Array.isArray(linux['gidMappings']) && linux['gidMappings'].length > 0;
  const userns = namespaces.get('user');
  if (userns === undefined) {
    if (uid) throw invalidArgument(at(field, 'uidMappings'), 'requires a user namespace in linux.namespaces');
    if (gid) throw invalidArgument(at(field, 'gidMappings'), 'requires a user namespace in linux.namespaces');
  } else if (userns.path === undefined) {
    // A new user namespace without mappings leaves every id unmapped (nobody).
    if (!uid) throw invalidArgument(at(field, 'uidMappings'), 'a new user namespace requires uid mappings');
    if (!gid) throw invalidArgument(at(field, 'gidMappings'), 'a new user namespace requires gid mappings');
  }
}

function validateDevice(v: unknown, field: string): void {
  const d = expectObject(v, field);
  const type = required(d, 'type', field, expectString);
  if (!['c', 'b', 'u', 'p'].includes(type)) {
    throw invalidArgument(at(field, 'type'), `unknown device type ${JSON.stringify(type)} (want c, b, u or p)`);
  }
  required(d, 'path', field, expectAbsolutePath);
  const number = (x: unknown, f: string) => expectInteger(x, f, { min: 0 });
  if (type === 'p') {
    optional(d, 'major', field, number);
    optional(d, 'minor', field, number);
  } else {
    required(d, 'major', field, number);
    required(d, 'minor', field, number);
  }
  optional(d, 'fileMode', field, (x, f) => expectInteger(x, f, { min: 0, max: 0o7777 }));
  optional(d, 'uid', field, expectUint32);
  optional(d, 'gid', field, expectUint32);
}

function validatePaths(linux: JsonObject, key: string, field: string): void {
  optionalEach(linux, key, field, expectAbsolutePath);
}

// Sysctl keys: dot or slash separated components; components may hold
// interface names, which allow '-', '@', ':' and '+'.
const SYSCTL_KEY = /^[A-Za-z0-9_\-@:+]+([./][A-Za-z0-9_\-@:+]+)*$/;

const IPC_SYSCTLS = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
]);

/**
 * Only namespaced sysctls may be set (as runc checks): setting any other one
 * would change the host. Which namespace a key belongs to decides whether the
 * container has its own copy.
 */
function sysctlNamespace(key: string): NamespaceType | undefined {
  const k = key.replaceAll('/', '.');
  if (IPC_SYSCTLS.has(k) || k.startsWith('fs.mqueue.')) return 'ipc';
  if (k.startsWith('net.')) return 'network';
  if (k === 'kernel.hostname' || k === 'kernel.domainname') return 'uts';
  return undefined;
}

function validateSysctl(linux: JsonObject, field: string, namespaces: NamespaceSet): void {
  const sysctl = optional(linux, 'sysctl', field, expectStringMap);
  for (const key of Object.keys(sysctl ?? {})) {
    const f = at(at(field, 'sysctl'), key);
    if (!SYSCTL_KEY.test(key)) throw invalidArgument(f, `invalid sysctl name ${JSON.stringify(key)}`);
    const ns = sysctlNamespace(key);
    if (ns === undefined) throw invalidArgument(f, `sysctl ${JSON.stringify(key)} is not namespaced and would change the host`);
    if (!namespaces.has(ns)) throw invalidArgument(f, `sysctl ${JSON.stringify(key)} requires a ${ns} namespace`);
  }
}

const int = (v: unknown, f: string) => expectInteger(v, f);
const uint = expectUint64;

function validateDeviceRule(v: unknown, field: string): void {
  const r = expectObject(v, field);
  required(r, 'allow', field, expectBoolean);
  const type = optional(r, 'type', field, expectString);
  if (type !== undefined && !['a', 'c', 'b'].includes(type)) {
    throw invalidArgument(at(field, 'type'), `unknown device type ${JSON.stringify(type)} (want a, c or b)`);
  }
  // -1 is how some tools write the wildcard.
  optional(r, 'major', field, (x, f) => expectInteger(x, f, { min: -1 }));
  optional(r, 'minor', field, (x, f) => expectInteger(x, f, { min: -1 }));
  const access = optional(r, 'access', field, expectString);
  if (access !== undefined && !/^[rwm]*$/.test(access)) {
    throw invalidArgument(at(field, 'access'), `must be made of r, w and m, got ${JSON.stringify(access)}`);
  }
}

function each(o: JsonObject, keys: readonly string[], field: string, check: (v: unknown, f: string) => unknown): void {
  for (const k of keys) optional(o, k, field, check);
}

function validateThrottle(v: unknown, field: string): void {
  const t = expectObject(v, field);
  required(t, 'major', field, uint);
  required(t, 'minor', field, uint);
  required(t, 'rate', field, uint);
}

function validateBlockIO(v: unknown, field: string): void {
  const b = expectObject(v, field);
  each(b, ['weight', 'leafWeight'], field, (x, f) => expectInteger(x, f, { min: 0, max: 65535 }));
  optionalEach(b, 'weightDevice', field, (x, f) => {
    const w = expectObject(x, f);
    required(w, 'major', f, uint);
    required(w, 'minor', f, uint);
    each(w, ['weight', 'leafWeight'], f, (y, g) => expectInteger(y, g, { min: 0, max: 65535 }));
  });
  for (const k of ['throttleReadBpsDevice', 'throttleWriteBpsDevice', 'throttleReadIOPSDevice', 'throttleWriteIOPSDevice']) {
    optionalEach(b, k, field, validateThrottle);
  }
}

/** `linux.resources`: the types of every field the cgroup managers read. */
export function validateResources(v: unknown, field: string): void {
  const r = expectObject(v, field);
  optionalEach(r, 'devices', field, validateDeviceRule);
  optional(r, 'memory', field, (x, f) => {
    const m = expectObject(x, f);
    // -1 means unlimited for the limits.
    each(m, ['limit', 'reservation', 'swap', 'kernel', 'kernelTCP'], f, (y, g) => expectInteger(y, g, { min: -1 }));
    optional(m, 'swappiness', f, (y, g) => expectInteger(y, g, { min: 0, max: 100 }));
    each(m, ['disableOOMKiller', 'useHierarchy', 'checkBeforeUpdate'], f, expectBoolean);
  });
  optional(r, 'cpu', field, (x, f) => {
    const c = expectObject(x, f);
    each(c, ['shares', 'period', 'realtimePeriod', 'burst'], f, uint);
    each(c, ['quota', 'realtimeRuntime', 'idle'], f, int);
    each(c, ['cpus', 'mems'], f, expectString);
  });
  optional(r, 'pids', field, (x, f) => required(expectObject(x, f), 'limit', f, int));
  optional(r, 'blockIO', field, validateBlockIO);
  optionalEach(r, 'hugepageLimits', field, (x, f) => {
    const h = expectObject(x, f);
    required(h, 'pageSize', f, expectString);
    required(h, 'limit', f, uint);
  });
  optional(r, 'network', field, (x, f) => {
    const n = expectObject(x, f);
    optional(n, 'classID', f, expectUint32);
    optionalEach(n, 'priorities', f, (y, g) => {
      const p = expectObject(y, g);
      required(p, 'name', g, expectString);
      required(p, 'priority', g, expectUint32);
    });
  });
  optional(r, 'unified', field, expectStringMap);
}

/** Checks `linux` and returns the namespaces it asks for. */
export function validateLinux(v: unknown, field = 'linux'): NamespaceSet {
  const linux = expectObject(v, field);
  const namespaces = validateNamespaces(linux, field);
  validateUserNamespace(linux, field, namespaces);
  optionalEach(linux, 'devices', field, validateDevice);
  optional(linux, 'cgroupsPath', field, expectString);
  optional(linux, 'resources', field, validateResources);
  const propagation = optional(linux, 'rootfsPropagation', field, expectString);
  if (propagation !== undefined && propagation !== '' && !isPropagationOption(propagation)) {
    throw invalidArgument(at(field, 'rootfsPropagation'), `unknown propagation ${JSON.stringify(propagation)}`);
  }
  optional(linux, 'seccomp', field, validateSeccomp);
  validateSysctl(linux, field, namespaces);
  validatePaths(linux, 'maskedPaths', field);
  validatePaths(linux, 'readonlyPaths', field);
  optional(linux, 'mountLabel', field, expectString);
  optional(linux, 'personality', field, (x, f) => {
    const p = expectObject(x, f);
    const domain = required(p, 'domain', f, expectString);
    if (domain !== 'LINUX' && domain !== 'LINUX32') {
      throw invalidArgument(at(f, 'domain'), `unknown personality domain ${JSON.stringify(domain)} (want LINUX or LINUX32)`);
    }
    optional(p, 'flags', f, expectStringArray);
  });
  return namespaces;
}
