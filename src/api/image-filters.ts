import type { ImageSummary } from '../engine/images/views.js';
import { invalidArgument } from '../errors.js';
import type { Filters } from './actions.js';

/**
 * The filters of `GET /images/json` berth knows: `reference` (a name or a
 * glob, matched against "repo" and "repo:tag" as docker does), `dangling`
 * and `label`. Others are refused rather than silently ignored.
 */
export function filterImages(images: ImageSummary[], filters: Filters): ImageSummary[] {
  for (const name of filters.keys()) {
    if (!['reference', 'dangling', 'label'].includes(name)) throw invalidArgument('filters', `invalid filter '${name}'`);
  }
  const refs = filters.get('reference') ?? [];
  const dangling = filters.get('dangling') ?? [];
  const labels = filters.get('label') ?? [];
  return images.filter((img) => {
    if (refs.length > 0 && !refs.some((pattern) => img.RepoTags.some((tag) => referenceMatches(pattern, tag)))) return false;
    if (dangling.length > 0) {
      const want = dangling.some((v) => v === 'true' || v === '1');
      if ((img.RepoTags.length === 0) !== want) return false;
    }
    for (const l of labels) {
      const eq = l.indexOf('=');
      const [key, value] = eq < 0 ? [l, undefined] : [l.slice(0, eq), l.slice(eq + 1)];
      const has = img.Labels?.[key];
      if (has === undefined || (value !== undefined && has !== value)) return false;
    }
    return true;
  });
}

/** "app" and "app:1.*" both match "app:1.0"; "*" does not cross a "/", as in Go's path.Match. */
export function referenceMatches(pattern: string, repoTag: string): boolean {
  const colon = repoTag.lastIndexOf(':');
  const repo = colon > repoTag.lastIndexOf('/') ? repoTag.slice(0, colon) : repoTag;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return re.test(repoTag) || re.test(repo);
}
