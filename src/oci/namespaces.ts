/**
 * Namespace types of the OCI spec, with their clone(2)/unshare(2)/setns(2)
 * flag and their file name under /proc/PID/ns/.
 */
import { invalidArgument } from '../errors.js';
import type { NamespaceType } from './spec.js';

export const CLONE_NEWTIME = 0x00000080;
export const CLONE_NEWNS = 0x00020000;
export const CLONE_NEWCGROUP = 0x02000000;
export const CLONE_NEWUTS = 0x04000000;
export const CLONE_NEWIPC = 0x08000000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;
export const CLONE_NEWNET = 0x40000000;

export interface NamespaceInfo {
  /** CLONE_NEW* flag. */
  readonly cloneFlag: number;
  /** Name under /proc/PID/ns/. */
  readonly procFile: string;
}

export const NAMESPACES: Readonly<Record<NamespaceType, NamespaceInfo>> = Object.freeze({
  mount: { cloneFlag: CLONE_NEWNS, procFile: 'mnt' },
  uts: { cloneFlag: CLONE_NEWUTS, procFile: 'uts' },
  ipc: { cloneFlag: CLONE_NEWIPC, procFile: 'ipc' },
  user: { cloneFlag: CLONE_NEWUSER, procFile: 'user' },
  pid: { cloneFlag: CLONE_NEWPID, procFile: 'pid' },
  network: { cloneFlag: CLONE_NEWNET, procFile: 'net' },
  cgroup: { cloneFlag: CLONE_NEWCGROUP, procFile: 'cgroup' },
  time: { cloneFlag: CLONE_NEWTIME, procFile: 'time' },
});

export const NAMESPACE_TYPES: readonly NamespaceType[] = Object.freeze(Object.keys(NAMESPACES) as NamespaceType[]);

export function isNamespaceType(type: unknown): type is NamespaceType {
  return typeof type === 'string' && Object.hasOwn(NAMESPACES, type);
}

function info(type: string, field: string): NamespaceInfo {
  if (!isNamespaceType(type)) throw invalidArgument(field, `unknown namespace type ${JSON.stringify(type)}`);
  return NAMESPACES[type];
}

/** "pid" → CLONE_NEWPID. */
export function namespaceCloneFlag(type: string, field = 'type'): number {
  return info(type, field).cloneFlag;
}

/** "network" → "net" (as in /proc/PID/ns/net). */
export function namespaceProcFile(type: string, field = 'type'): string {
  return info(type, field).procFile;
}
