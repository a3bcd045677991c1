/**
 * The container, exec, volume, event and system actions of the API (the
 * image ones are in actions.ts). Each is exactly what a handler needs; the
 * request's URL, query and body have been checked by the parser.
 */
import type { IncomingMessage } from 'node:http';

import type { CreateRequest } from '../engine/containers/config/index.js';
import type { ExecConfig } from '../engine/containers/exec/exec-config.js';
import type { WaitCondition } from '../engine/containers/exit-waiters.js';

type Filters = ReadonlyMap<string, readonly string[]>;

export interface LogsQuery {
  follow: boolean;
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
  tail?: number;
  since?: string;
  until?: string;
}

export interface AttachQuery {
  stream: boolean;
  logs: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export type ContainerAction =
  | { kind: 'containerCreate'; request: CreateRequest }
  | { kind: 'containerList'; all: boolean; limit: number; size: boolean; filters: Filters }
  | { kind: 'containerInspect'; id: string; size: boolean }
  | { kind: 'containerStart'; id: string }
  | { kind: 'containerStop'; id: string; timeoutSec?: number; signal?: string }
  | { kind: 'containerRestart'; id: string; timeoutSec?: number; signal?: string }
  | { kind: 'containerKill'; id: string; signal: string }
  | { kind: 'containerPause'; id: string }
  | { kind: 'containerUnpause'; id: string }
  | { kind: 'containerRemove'; id: string; force: boolean; volumes: boolean }
  | { kind: 'containerRename'; id: string; name: string }
  | { kind: 'containerWait'; id: string; condition: WaitCondition }
  | { kind: 'containerLogs'; id: string; query: LogsQuery }
  | { kind: 'containerAttach'; id: string; query: AttachQuery }
  | { kind: 'containerResize'; id: string; rows: number; cols: number }
  | { kind: 'containerTop'; id: string; psArgs: string }
  | { kind: 'containerStats'; id: string; stream: boolean }
  | { kind: 'containerArchiveStat'; id: string; path: string }
  | { kind: 'containerArchiveGet'; id: string; path: string }
  | { kind: 'containerArchivePut'; id: string; path: string; noOverwriteDirNonDir: boolean; copyUIDGID: boolean; body: IncomingMessage }
  | { kind: 'containerPrune'; filters: Filters }
  | { kind: 'execCreate'; id: string; config: ExecConfig }
  | { kind: 'execStart'; execId: string; detach: boolean }
  | { kind: 'execResize'; execId: string; rows: number; cols: number }
  | { kind: 'execInspect'; execId: string }
  | { kind: 'volumeCreate'; body: unknown }
  | { kind: 'volumeList'; filters: Filters }
  | { kind: 'volumeInspect'; name: string }
  | { kind: 'volumeRemove'; name: string; force: boolean }
  | { kind: 'volumePrune'; filters: Filters }
  | { kind: 'events'; since?: number; until?: number; filters: Filters }
  | { kind: 'systemDf' }
  | { kind: 'networkList'; filters: Filters }
  | { kind: 'networkInspect'; id: string }
  | { kind: 'networkCreate'; body: unknown }
  | { kind: 'networkRemove'; id: string }
  | { kind: 'networkConnect'; id: string; body: unknown }
  | { kind: 'networkDisconnect'; id: string; body: unknown }
  | { kind: 'networkPrune'; filters: Filters };
