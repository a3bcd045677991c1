/**
 * Image references in Docker's grammar (distribution/reference), normalized
 * the way the docker CLI does it:
 *
 *   busybox                   → docker.io/library/busybox
 *   user/app:1.0              → docker.io/user/app:1.0
 *   host:5000/ns/name:tag     → host:5000/ns/name:tag
 *   localhost/x               → localhost/x
 *   name@sha256:…             → docker.io/library/name@sha256:…
 *
 * The first path component is a registry host only when it has a "." or a
 * ":", is "localhost", or has an upper-case letter (path components never
 * do). parseReference adds no tag; withDefaultTag adds "latest" to a
 * reference that has neither tag nor digest.
 */
import { invalidArgument } from '../errors.js';
import { parseDigest } from './digest.js';

export interface Reference {
  /** registry host[:port], "docker.io" for Docker Hub */
  domain: string;
  /** repository path, "library/busybox" */
  path: string;
  tag?: string;
  /** "sha256:<hex>" */
  digest?: string;
}

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
/** Longest "domain/path" accepted. */
export const NAME_MAX_LENGTH = 255;

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[[a-fA-F0-9:]+\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const DOMAIN_RE = new RegExp(`^${DOMAIN_AND_PORT}$`);
const REMAINDER_RE = new RegExp(`^(${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const HEX64_RE = /^[a-f0-9]{64}$/;

const invalid = (detail: string) => invalidArgument('invalid reference format', detail);
const quote = (s: string) => JSON.stringify(s.length > 300 ? `${s.slice(0, 300)}…` : s);

/** Splits off the registry host the way Docker does (splitDockerDomain). */
function splitDomain(s: string): { domain: string; remainder: string } {
  const i = s.indexOf('/');
  const first = i === -1 ? '' : s.slice(0, i);
  let domain = DEFAULT_DOMAIN;
  let remainder = s;
  if (i !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)) {
    domain = first;
    remainder = s.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_PREFIX + remainder;
  return { domain, remainder };
}

/** Parses and normalizes a reference; throws InvalidArgument "invalid reference format: …". */
export function parseReference(s: string): Reference {
  if (s === '') throw invalid('repository name must have at least one component');
  if (HEX64_RE.test(s)) throw invalid(`cannot use a 64-character hexadecimal string as a repository name (${s})`);
  const { domain, remainder } = splitDomain(s);
  const colon = remainder.indexOf(':');
  const at = remainder.indexOf('@');
  const end = Math.min(colon === -1 ? remainder.length : colon, at === -1 ? remainder.length : at);
  const path = remainder.slice(0, end);
  if (path.toLowerCase() !== path) throw invalid(`repository name (${path}) must be lowercase`);
  if (!DOMAIN_RE.test(domain)) throw invalid(`${quote(s)}: invalid registry host ${quote(domain)}`);
  const m = REMAINDER_RE.exec(remainder);
  if (!m) throw invalid(quote(s));
  const [, matchedPath = '', tag, digest] = m;
  if (domain.length + 1 + matchedPath.length > NAME_MAX_LENGTH) {
    throw invalid(`repository name must not be more than ${NAME_MAX_LENGTH} characters`);
  }
  const ref: Reference = { domain, path: matchedPath };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) {
    try {
      parseDigest(digest);
    } catch (e) {
      throw invalid(`${quote(s)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    ref.digest = digest;
  }
  return ref;
}

/** The reference with tag "latest" when it has neither tag nor digest. */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

/** "docker.io/library/busybox" */
export function fullName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** "busybox", "user/app", "ghcr.io/x/y": the name as docker prints it. */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return fullName(ref);
  const rest = ref.path.startsWith(OFFICIAL_PREFIX) ? ref.path.slice(OFFICIAL_PREFIX.length) : ref.path;
  return rest.includes('/') ? ref.path : rest;
}

const suffix = (ref: Reference) => `${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;

/** "docker.io/library/busybox:latest" */
export function fullString(ref: Reference): string {
  return fullName(ref) + suffix(ref);
}

/** "busybox:latest" */
export function familiarString(ref: Reference): string {
  return familiarName(ref) + suffix(ref);
}

/** `parseReference` + `withDefaultTag` + `fullString`: the form image names are stored in. */
export function normalizeImageName(s: string): string {
  return fullString(withDefaultTag(parseReference(s)));
}

/** Checks a bare tag ("1.0", "latest"), as given to `docker tag`. */
export function checkTag(tag: string): string {
  if (!TAG_RE.test(tag)) throw invalid(`invalid tag ${quote(tag)}`);
  return tag;
}
