/**
 * The manifest.json of a `docker save` archive: one entry per image, naming
 * its config file, its tags and its layer tars (uncompressed, base first):
 *
 *   [{"Config": "<hex>.json", "RepoTags": ["busybox:latest"], "Layers": ["<id>/layer.tar"]}]
 *
 * Docker writes `null` for an image without tags; Parent and LayerSources
 * (foreign layers) are read past.
 */
import { at, expectArray, expectObject, expectString, optional, required } from '../../oci/json-check.js';
import { invalidArgument } from '../../errors.js';

export const DOCKER_MANIFEST_JSON = 'manifest.json';
export const DOCKER_REPOSITORIES = 'repositories';

export interface DockerArchiveEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

export function parseDockerManifestJson(bytes: Buffer): DockerArchiveEntry[] {
  const context = DOCKER_MANIFEST_JSON;
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (e) {
    throw invalidArgument(context, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const list = expectArray(raw, context);
  if (list.length === 0) throw invalidArgument(context, 'lists no images');
  return list.map((v, i) => {
    const field = at(context, i);
    const o = expectObject(v, field);
    const strings = (key: string) =>
      (optional(o, key, field, expectArray) ?? []).map((s, j) => expectString(s, at(at(field, key), j)));
    return {
      Config: required(o, 'Config', field, expectString),
      RepoTags: strings('RepoTags'),
      Layers: strings('Layers'),
    };
  });
}
