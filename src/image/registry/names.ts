/**
 * What the registry client accepts as a repository name and a manifest
 * reference before it puts them into a URL path. Names come from parsed
 * image references, but the client checks them again: a repository such as
 * "../x" or a tag with a "?" must never change which URL is requested.
 */
import { invalidArgument } from '../../errors.js';
import { isDigest, parseDigest } from '../digest.js';
import { checkTag } from '../reference.js';

// distribution/reference: path-component ( "/" path-component )*
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const REPOSITORY_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const REPOSITORY_MAX_LENGTH = 255;

/** A repository path ("library/busybox"); throws InvalidArgument otherwise. */
export function checkRepository(repo: string): string {
  if (repo.length > REPOSITORY_MAX_LENGTH || !REPOSITORY_RE.test(repo)) {
    throw invalidArgument(`repository ${JSON.stringify(repo)}`, 'invalid repository name');
  }
  return repo;
}

/** A tag or a digest, as the last part of /v2/<name>/manifests/<reference>. */
export function checkManifestReference(reference: string): string {
  if (reference.includes(':')) parseDigest(reference, 'manifest reference');
  else checkTag(reference);
  return reference;
}

/** "host/repo:tag" or "host/repo@sha256:…", the way messages name a manifest. */
export function displayName(registry: string, repo: string, reference?: string): string {
  const base = `${registry}/${repo}`;
  if (reference === undefined) return base;
  return isDigest(reference) ? `${base}@${reference}` : `${base}:${reference}`;
}
