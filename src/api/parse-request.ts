/**
 * The HTTP layer's only job: an incoming request becomes one typed Action
 * (actions.ts) or an error. Routes are matched here and nowhere else.
 *
 * Image names carry slashes and colons (`127.0.0.1:5000/ns/app:1.0`); the
 * docker CLI sends them raw or URL-encoded, so a name is everything between
 * `/images/` and the route's last word, decoded once.
 */
import type { IncomingMessage } from 'node:http';

import { invalidArgument, notFound } from '../errors.js';
import { parsePlatform } from '../image/platform.js';
import type { Action } from './actions.js';
import { stripVersion } from './api-version.js';
import { readJsonBody } from './json-body.js';
import { parseContainerRequest } from './parse-container-request.js';
import { queryBool, queryFilters } from './query.js';
import { credentialsOf, registryAuth } from './registry-auth.js';

const pageNotFound = () => notFound('', 'page not found');

export async function parseRequest(req: IncomingMessage): Promise<Action> {
  const raw = req.url ?? '/';
  const qmark = raw.indexOf('?');
  const { path } = stripVersion(qmark < 0 ? raw : raw.slice(0, qmark));
  const q = new URLSearchParams(qmark < 0 ? '' : raw.slice(qmark + 1));
  const method = req.method ?? 'GET';
  const auth = registryAuth(req.headers['x-registry-auth']);
  const withAuth = <T extends object>(a: T) => (auth ? { ...a, credentials: auth } : a);

  switch (`${method} ${path}`) {
    case 'GET /_ping':
    case 'HEAD /_ping':
      return { kind: 'ping', head: method === 'HEAD' };
    case 'GET /version':
      return { kind: 'version' };
    case 'GET /info':
      return { kind: 'info' };
    case 'POST /auth':
      return authAction(await readJsonBody(req));
    case 'GET /images/json':
      return { kind: 'imageList', filters: queryFilters(q) };
    case 'POST /images/create':
      return createAction(q, req, auth);
    case 'POST /images/load':
      return { kind: 'imageLoad', quiet: queryBool(q, 'quiet'), body: req };
    case 'GET /images/get': {
      const names = q.getAll('names').filter(Boolean);
      if (names.length === 0) throw invalidArgument('save', 'give at least one image name (names=…)');
      return { kind: 'imageSave', names, format: saveFormat(q) };
    }
    case 'POST /images/prune':
      return { kind: 'imagePrune', all: (queryFilters(q).get('dangling') ?? []).some((v) => ['false', '0'].includes(v)) };
  }

  const other = await parseContainerRequest(method, path, q, req);
  if (other) return other;
  if (!path.startsWith('/images/')) throw pageNotFound();
  const rest = path.slice('/images/'.length);
  const sub = /^(.+)\/(json|history|tag|push|get)$/.exec(rest);
  if (method === 'DELETE' && !sub) return { kind: 'imageRemove', name: decodeName(rest), force: queryBool(q, 'force') };
  if (!sub) throw pageNotFound();
  const name = decodeName(sub[1] as string);
  switch (`${method} ${sub[2]}`) {
    case 'GET json':
      return { kind: 'imageInspect', name };
    case 'GET history':
      return { kind: 'imageHistory', name };
    case 'GET get':
      return { kind: 'imageSave', names: [name], format: saveFormat(q) };
    case 'POST tag': {
      const repo = q.get('repo');
      if (!repo) throw invalidArgument('tag', 'repository name (repo=…) must have at least one component');
      const tag = q.get('tag');
      return { kind: 'imageTag', name, target: tag ? `${repo}:${tag}` : repo };
    }
    case 'POST push': {
      const tag = q.get('tag');
      return withAuth({ kind: 'imagePush' as const, reference: tag ? joinTag(name, tag) : name });
    }
  }
  throw pageNotFound();
}

function saveFormat(q: URLSearchParams): 'docker' | 'oci' {
  const f = q.get('format') || 'docker';
  if (f !== 'docker' && f !== 'oci') throw invalidArgument('save', `unknown format "${f}": docker or oci`);
  return f;
}

function decodeName(s: string): string {
  let name: string;
  try {
    name = decodeURIComponent(s);
  } catch {
    throw invalidArgument('image name', `bad URL encoding: ${JSON.stringify(s)}`);
  }
  if (name === '') throw invalidArgument('image name', 'empty');
  return name;
}

/** "app" + "1.0" → "app:1.0"; "app" + "sha256:…" → "app@sha256:…". */
function joinTag(name: string, tag: string): string {
  return /^[a-z0-9]+:[0-9a-f]{32,}$/.test(tag) ? `${name}@${tag}` : `${name}:${tag}`;
}

function createAction(q: URLSearchParams, req: IncomingMessage, auth: ReturnType<typeof registryAuth>): Action {
  const fromImage = q.get('fromImage');
  const fromSrc = q.get('fromSrc');
  const tag = q.get('tag') ?? '';
  if (fromImage) {
    const platform = q.get('platform');
    return {
      kind: 'imagePull',
      reference: tag ? joinTag(fromImage, tag) : fromImage,
      ...(platform ? { platform: parsePlatform(platform) } : {}),
      ...(auth ? { credentials: auth } : {}),
    };
  }
  if (fromSrc === '-') {
    const repo = q.get('repo');
    if (!repo) throw invalidArgument('import', 'give the image a name (repo=…); berth keeps no untagged images');
    return {
      kind: 'imageImport',
      reference: tag ? joinTag(repo, tag) : repo,
      changes: q.getAll('changes'),
      message: q.get('message') ?? '',
      body: req,
    };
  }
  if (fromSrc) throw invalidArgument('import', 'importing from a URL is not supported; send the archive as the request body (fromSrc=-)');
  throw invalidArgument('images/create', 'give fromImage (pull) or fromSrc (import)');
}

function authAction(body: unknown): Action {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidArgument('auth', 'want a JSON object {username, password, serveraddress}');
  const b = body as Record<string, unknown>;
  for (const k of ['username', 'password', 'serveraddress']) {
    if (b[k] !== undefined && typeof b[k] !== 'string') throw invalidArgument('auth', `${k} must be a string`);
  }
  const credentials = credentialsOf(body);
  if (!credentials) throw invalidArgument('auth', 'username is required');
  const server = typeof b['serveraddress'] === 'string' && b['serveraddress'] ? b['serveraddress'] : 'docker.io';
  return { kind: 'auth', serverAddress: server, credentials };
}
