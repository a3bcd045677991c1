/**
 * A pull through the API, as the docker CLI does it: the reference
 * normalized ("busybox" → docker.io/library/busybox, tag "latest"), the
 * client's stored credentials in X-Registry-Auth, the progress stream
 * drawn on `out`. Used by `pull`, and by `run`/`create` for a missing image.
 */
import type { Writable } from 'node:stream';

import { displayJsonMessages } from '../client/json-messages.js';
import { readCredentials, registryAuthHeader } from '../client/docker-config.js';
import { fullName, fullString, parseImageRef, withDefaultTag, type ImageRef } from '../client/reference.js';
import type { CliContext } from '../context.js';
import { progressSink, SILENT } from '../output/progress.js';

export interface PullOptions {
  out: NodeJS.WriteStream;
  quiet?: boolean;
  platform?: string;
  /** `pull -a`: every tag of the repository */
  allTags?: boolean;
}

/** Pulls `name`; returns the full reference pulled ("docker.io/library/busybox:latest"). */
export async function pullImage(ctx: CliContext, name: string, o: PullOptions): Promise<string> {
  let ref = parseImageRef(name);
  if (!ref.tag && !ref.digest && !o.allTags) {
    if (!o.quiet) o.out.write('Using default tag: latest\n');
    ref = withDefaultTag(ref);
  }
  const res = await ctx.api().request('POST', '/images/create', {
    query: { fromImage: fullName(ref), tag: ref.digest ?? ref.tag ?? '', platform: o.platform },
    headers: await authHeaders(ref),
  });
  await displayJsonMessages(res, o.quiet ? SILENT : progressSink(o.out), o.out as Writable);
  return fullString(ref);
}

/** X-Registry-Auth for the reference's registry, from the client's config.json ("{}" when there is nothing). */
export async function authHeaders(ref: ImageRef): Promise<Record<string, string>> {
  return { 'X-Registry-Auth': registryAuthHeader(await readCredentials(ref.domain), ref.domain) };
}
