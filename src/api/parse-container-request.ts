/**
 * Routes of containers, execs, volumes, events and system/df → one typed
 * action. Returns undefined for a path that is none of these.
 */
import type { IncomingMessage } from 'node:http';

import { invalidArgument } from '../errors.js';
import { parseCreateRequest } from '../engine/containers/config/index.js';
import { parseExecConfig } from '../engine/containers/exec/exec-config.js';
import type { Action } from './actions.js';
import type { AttachQuery, LogsQuery } from './container-actions.js';
import { readJsonBody } from './json-body.js';
import { queryBool, queryFilters } from './query.js';

export async function parseContainerRequest(method: string, path: string, q: URLSearchParams, req: IncomingMessage): Promise<Action | undefined> {
  switch (`${method} ${path}`) {
    case 'POST /containers/create': {
      const name = q.get('name');
      const platform = q.get('platform');
      return {
        kind: 'containerCreate',
        request: parseCreateRequest(await readJsonBody(req), { ...(name ? { name } : {}), ...(platform ? { platform } : {}) }),
      };
    }
    case 'GET /containers/json':
      return { kind: 'containerList', all: queryBool(q, 'all'), limit: queryInt(q, 'limit') ?? -1, size: queryBool(q, 'size'), filters: queryFilters(q) };
    case 'POST /containers/prune':
      return { kind: 'containerPrune', filters: queryFilters(q) };
    case 'GET /volumes':
      return { kind: 'volumeList', filters: queryFilters(q) };
    case 'POST /volumes/create':
      return { kind: 'volumeCreate', body: (await readJsonBody(req)) ?? {} };
    case 'POST /volumes/prune':
      return { kind: 'volumePrune', filters: queryFilters(q) };
    case 'GET /events':
      return { kind: 'events', ...optional('since', queryTime(q, 'since')), ...optional('until', queryTime(q, 'until')), filters: queryFilters(q) };
    case 'GET /system/df':
      return { kind: 'systemDf' };
    case 'GET /networks':
      return { kind: 'networkList', filters: queryFilters(q) };
    case 'POST /networks/create':
      return { kind: 'networkCreate', body: await readJsonBody(req) };
    case 'POST /networks/prune':
      return { kind: 'networkPrune', filters: queryFilters(q) };
  }

  const n = /^\/networks\/([^/]+)(?:\/(connect|disconnect))?$/.exec(path);
  if (n) {
    const id = decodeURIComponent(n[1] as string);
    switch (`${method} ${n[2] ?? ''}`) {
      case 'GET ':
        return { kind: 'networkInspect', id };
      case 'DELETE ':
        return { kind: 'networkRemove', id };
      case 'POST connect':
        return { kind: 'networkConnect', id, body: await readJsonBody(req) };
      case 'POST disconnect':
        return { kind: 'networkDisconnect', id, body: await readJsonBody(req) };
    }
    return undefined;
  }

  let m = /^\/volumes\/([^/]+)$/.exec(path);
  if (m) {
    const name = decodeURIComponent(m[1] as string);
    if (method === 'GET') return { kind: 'volumeInspect', name };
    if (method === 'DELETE') return { kind: 'volumeRemove', name, force: queryBool(q, 'force') };
    return undefined;
  }
  m = /^\/exec\/([^/]+)\/(start|resize|json)$/.exec(path);
  if (m) {
    const execId = m[1] as string;
    switch (`${method} ${m[2]}`) {
      case 'POST start': {
        const body = (await readJsonBody(req)) as { Detach?: unknown } | undefined;
        return { kind: 'execStart', execId, detach: body?.Detach === true };
      }
      case 'POST resize':
        return { kind: 'execResize', execId, ...size(q) };
      case 'GET json':
        return { kind: 'execInspect', execId };
    }
    return undefined;
  }
  m = /^\/containers\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
  if (!m) return undefined;
  const id = decodeURIComponent(m[1] as string);
  const verb = m[2];
  if (verb === undefined) return method === 'DELETE' ? { kind: 'containerRemove', id, force: queryBool(q, 'force'), volumes: queryBool(q, 'v') } : undefined;
  switch (`${method} ${verb}`) {
    case 'GET json':
      return { kind: 'containerInspect', id, size: queryBool(q, 'size') };
    case 'POST start':
      return { kind: 'containerStart', id };
    case 'POST stop':
      return { kind: 'containerStop', id, ...optional('timeoutSec', queryInt(q, 't')), ...optional('signal', q.get('signal') || undefined) };
    case 'POST restart':
      return { kind: 'containerRestart', id, ...optional('timeoutSec', queryInt(q, 't')), ...optional('signal', q.get('signal') || undefined) };
    case 'POST kill':
      return { kind: 'containerKill', id, signal: q.get('signal') || 'SIGKILL' };
    case 'POST pause':
      return { kind: 'containerPause', id };
    case 'POST unpause':
      return { kind: 'containerUnpause', id };
    case 'POST rename': {
      const name = q.get('name');
      if (!name) throw invalidArgument('', 'rename: give the new name (name=…)');
      return { kind: 'containerRename', id, name };
    }
    case 'POST wait': {
      const condition = q.get('condition') || 'not-running';
      if (condition !== 'not-running' && condition !== 'next-exit' && condition !== 'removed') throw invalidArgument('', `invalid condition: "${condition}"`);
      return { kind: 'containerWait', id, condition };
    }
    case 'GET logs':
      return { kind: 'containerLogs', id, query: logsQuery(q) };
    case 'POST attach':
      return { kind: 'containerAttach', id, query: attachQuery(q) };
    case 'POST resize':
      return { kind: 'containerResize', id, ...size(q) };
    case 'GET top':
      return { kind: 'containerTop', id, psArgs: q.get('ps_args') || '-ef' };
    case 'GET stats':
      return { kind: 'containerStats', id, stream: q.get('stream') === null ? true : queryBool(q, 'stream') };
    case 'HEAD archive':
      return { kind: 'containerArchiveStat', id, path: archivePath(q) };
    case 'GET archive':
      return { kind: 'containerArchiveGet', id, path: archivePath(q) };
    case 'PUT archive':
      return {
        kind: 'containerArchivePut',
        id,
        path: archivePath(q),
        noOverwriteDirNonDir: queryBool(q, 'noOverwriteDirNonDir'),
        copyUIDGID: queryBool(q, 'copyUIDGID'),
        body: req,
      };
    case 'POST exec':
      return { kind: 'execCreate', id, config: parseExecConfig(await readJsonBody(req)) };
  }
  return undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function queryInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw invalidArgument('', `invalid value for ${name}: ${JSON.stringify(v)}`);
  return Number(v);
}

/** Unix seconds (with an optional fraction) → nanoseconds. */
function queryTime(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1e9);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw invalidArgument('', `invalid value for ${name}: ${JSON.stringify(v)}`);
  return t * 1e6;
}

function size(q: URLSearchParams): { rows: number; cols: number } {
  const rows = queryInt(q, 'h');
  const cols = queryInt(q, 'w');
  if (rows === undefined || cols === undefined || rows < 0 || cols < 0) throw invalidArgument('', 'resize: give h and w, both ≥ 0');
  return { rows, cols };
}

function archivePath(q: URLSearchParams): string {
  const p = q.get('path');
  if (!p) throw invalidArgument('', 'path is required');
  return p;
}

function logsQuery(q: URLSearchParams): LogsQuery {
  const tail = q.get('tail');
  const query: LogsQuery = {
    follow: queryBool(q, 'follow'),
    stdout: queryBool(q, 'stdout'),
    stderr: queryBool(q, 'stderr'),
    timestamps: queryBool(q, 'timestamps'),
  };
  if (!query.stdout && !query.stderr) throw invalidArgument('', 'Bad parameters: you must choose at least one stream');
  if (tail !== null && tail !== '' && tail !== 'all') {
    if (!/^\d+$/.test(tail)) throw invalidArgument('', `invalid value for tail: ${JSON.stringify(tail)}`);
    query.tail = Number(tail);
  }
  const since = q.get('since');
  const until = q.get('until');
  if (since && since !== '0') query.since = since;
  if (until && until !== '0') query.until = until;
  return query;
}

function attachQuery(q: URLSearchParams): AttachQuery {
  return { stream: queryBool(q, 'stream'), logs: queryBool(q, 'logs'), stdin: queryBool(q, 'stdin'), stdout: queryBool(q, 'stdout'), stderr: queryBool(q, 'stderr') };
}
