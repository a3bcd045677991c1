/**
 * A container as berthd keeps it: the user's configuration (Docker's Config
 * and HostConfig, merged with the image's defaults at create), where its
 * files are, and its state. One JSON document per container, written
 * atomically at every change of state.
 */
import { conflict } from '../../errors.js';
import type { ContainerConfig, HostConfig, NetworkingConfig } from './config/index.js';
import type { MountPoint } from './mount-points.js';

/** Docker's State.Status values. */
export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerState {
  status: ContainerStatus;
  /** host pid of the container's init while it runs; 0 otherwise */
  pid: number;
  /** /proc start time of that pid, so a reused pid is never mistaken for it */
  pidStartTime: number;
  /** the boot the pid belongs to */
  bootId: string;
  exitCode: number;
  oomKilled: boolean;
  /** why the last start failed, as Docker's State.Error */
  error: string;
  startedAt: string;
  finishedAt: string;
  /** `docker stop`/`kill` by the user: restart policies leave the container alone */
  manuallyStopped: boolean;
}

export interface ContainerRecord {
  id: string;
  /** without the leading "/" */
  name: string;
  created: string;
  /** the image as the user named it */
  imageName: string;
  /** the image's id (its config digest) */
  imageId: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  /** the networks to join beyond NetworkMode's, with aliases and fixed addresses */
  networkingConfig?: NetworkingConfig;
  state: ContainerState;
  restartCount: number;
  /** the snapshot holding the container's writable layer */
  snapshotKey: string;
  /** the OCI runtime spec's process.args, for Path/Args in inspect */
  path: string;
  args: string[];
  mounts: MountPoint[];
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function initialState(): ContainerState {
  return {
    status: 'created',
    pid: 0,
    pidStartTime: 0,
    bootId: '',
    exitCode: 0,
    oomKilled: false,
    error: '',
    startedAt: ZERO_TIME,
    finishedAt: ZERO_TIME,
    manuallyStopped: false,
  };
}

/** The container has processes (or is about to get them again). */
export function isActive(record: ContainerRecord): boolean {
  const s = record.state.status;
  return s === 'running' || s === 'paused' || s === 'restarting';
}

export type Verb = 'start' | 'stop' | 'kill' | 'pause' | 'unpause' | 'exec' | 'remove' | 'attach' | 'resize';

/** Which verbs each state allows; anything else is a Conflict with a plain message. */
const ALLOWED: Record<ContainerStatus, readonly Verb[]> = {
  created: ['start', 'stop', 'remove', 'attach'],
  running: ['stop', 'kill', 'pause', 'exec', 'attach', 'resize'],
  paused: ['stop', 'kill', 'unpause', 'attach'],
  restarting: ['stop', 'kill', 'attach'],
  removing: [],
  exited: ['start', 'stop', 'remove', 'attach'],
  dead: ['remove'],
};

export function can(record: ContainerRecord, verb: Verb): boolean {
  return ALLOWED[record.state.status].includes(verb);
}

/** Docker's wording where clients rely on it ("is not running", "is paused"). */
export function assertCan(record: ContainerRecord, verb: Verb): void {
  if (can(record, verb)) return;
  const ctx = `container ${record.name}`;
  const status = record.state.status;
  if (verb === 'exec' && status === 'paused') throw conflict(ctx, `container ${record.id} is paused, unpause the container before exec`);
  if (verb === 'exec' || verb === 'kill' || verb === 'pause' || verb === 'resize') throw conflict(ctx, `container ${record.id} is not running`);
  if (verb === 'unpause') throw conflict(ctx, `container ${record.id} is not paused`);
  if (verb === 'start' && status === 'paused') throw conflict(ctx, 'cannot start a paused container, try unpause instead');
  if (verb === 'remove') {
    throw conflict(ctx, `cannot remove container "/${record.name}": container is ${status}: stop the container before removing or force remove`);
  }
  throw conflict(ctx, `cannot ${verb} a ${status} container`);
}
