/**
 * Image references as the docker CLI normalizes them before calling the
 * API: "busybox" → docker.io/library/busybox:latest. The daemon checks
 * names again; the CLI needs them for the registry to find credentials
 * for, for pull's query (fromImage + tag) and for the messages docker
 * prints ("Using default tag: latest", "Unable to find image 'busybox:latest' locally").
 */
export const DEFAULT_DOMAIN = 'docker.io';

export interface ImageRef {
  domain: string;
  /** the repository path within the registry: "library/busybox" */
  path: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const REFERENCE = new RegExp(
  `^(${DOMAIN})/(${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);

/** docker's ParseNormalizedNamed, with its messages. */
export function parseImageRef(s: string): ImageRef {
  if (/^[a-f0-9]{64}$/.test(s)) throw new Error(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  const [domain, remainder] = splitDockerDomain(s);
  const colon = remainder.indexOf(':');
  const remoteName = colon < 0 ? remainder : remainder.slice(0, colon);
  if (remoteName.toLowerCase() !== remoteName) throw new Error(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  const m = REFERENCE.exec(`${domain}/${remainder}`);
  if (!m) throw new Error('invalid reference format');
  const [, d = '', path = '', tag, digest] = m;
  return { domain: d, path, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

function splitDockerDomain(name: string): [string, string] {
  const i = name.indexOf('/');
  const first = name.slice(0, i);
  let domain = DEFAULT_DOMAIN;
  let remainder = name;
  if (i >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)) {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = `library/${remainder}`;
  return [domain, remainder];
}

/** "busybox" gets ":latest"; a reference with a digest keeps only that. */
export const withDefaultTag = (r: ImageRef): ImageRef => (r.tag || r.digest ? r : { ...r, tag: 'latest' });

export const fullName = (r: ImageRef): string => `${r.domain}/${r.path}`;

export const fullString = (r: ImageRef): string => `${fullName(r)}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;

/** "docker.io/library/busybox:latest" → "busybox:latest", as docker shows names. */
export function familiarString(r: ImageRef): string {
  let name = fullName(r);
  if (r.domain === DEFAULT_DOMAIN) name = r.path.startsWith('library/') && r.path.split('/').length === 2 ? r.path.slice('library/'.length) : r.path;
  return `${name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}
