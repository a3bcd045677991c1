/** The image endpoints: each one call into the engine's ImageService, in Docker's shapes. */
import type { ServerResponse } from 'node:http';

import type { ProgressEvent } from '../engine/images/progress.js';
import { familiarString, parseReference } from '../image/reference.js';
import type { Action } from './actions.js';
import type { ApiContext } from './context.js';
import { filterImages } from './image-filters.js';
import { JsonMessageStream } from './json-stream.js';
import { json, type Reply } from './reply.js';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;

export async function list(ctx: ApiContext, a: Of<'imageList'>): Promise<Reply> {
  return json(filterImages(await ctx.images.list(), a.filters));
}

export async function inspect(ctx: ApiContext, a: Of<'imageInspect'>): Promise<Reply> {
  return json(await ctx.images.inspect(a.name));
}

export async function history(ctx: ApiContext, a: Of<'imageHistory'>): Promise<Reply> {
  return json(await ctx.images.history(a.name));
}

export async function tag(ctx: ApiContext, a: Of<'imageTag'>): Promise<Reply> {
  await ctx.images.tag(a.name, a.target);
  return { type: 'empty', status: 201 };
}

export async function remove(ctx: ApiContext, a: Of<'imageRemove'>): Promise<Reply> {
  return json(await ctx.images.remove(a.name, { force: a.force }));
}

export async function prune(ctx: ApiContext, a: Of<'imagePrune'>): Promise<Reply> {
  const r = await ctx.images.prune({ all: a.all });
  return json({ ImagesDeleted: r.ImagesDeleted.length > 0 ? r.ImagesDeleted : null, SpaceReclaimed: r.SpaceReclaimed });
}

/**
 * A pull streams its progress. The first message ("1.0: Pulling from app")
 * is held back until a second one shows the registry answered: a pull that
 * fails at once (unknown image, refused credentials) gets a real status
 * code, as dockerd's does, rather than a 200 with an error inside.
 */
export function pull(ctx: ApiContext, a: Of<'imagePull'>): Reply {
  return streamed(async (out) => {
    let held: ProgressEvent | undefined;
    let first = true;
    const onProgress = (ev: ProgressEvent): void => {
      if (first) {
        first = false;
        held = ev;
        return;
      }
      if (held) out.progress(held);
      held = undefined;
      out.progress(ev);
    };
    await ctx.images.pull(a.reference, {
      onProgress,
      ...(a.platform ? { platform: a.platform } : {}),
      ...(a.credentials ? { credentials: a.credentials } : {}),
    });
    if (held) out.progress(held);
  });
}

export function push(ctx: ApiContext, a: Of<'imagePush'>): Reply {
  return streamed(async (out) => {
    const r = await ctx.images.push(a.reference, (ev) => out.progress(ev), a.credentials);
    const ref = parseReference(a.reference);
    out.write({ progressDetail: {}, aux: { Tag: ref.tag ?? 'latest', Digest: r.digest, Size: r.size } });
  });
}

export function load(ctx: ApiContext, a: Of<'imageLoad'>): Reply {
  return streamed(async (out) => {
    const r = await ctx.images.load(a.body);
    for (const name of r.loaded) {
      out.write({ stream: name.startsWith('sha256:') ? `Loaded image ID: ${name}\n` : `Loaded image: ${familiarString(parseReference(name))}\n` });
    }
  });
}

export function importImage(ctx: ApiContext, a: Of<'imageImport'>): Reply {
  return streamed(async (out) => {
    const r = await ctx.images.import(a.body, a.reference, { changes: a.changes, ...(a.message ? { message: a.message } : {}) });
    out.write({ status: r.config.digest });
  });
}

/**
 * `save`: a docker-save tar. The names are checked first, so an unknown one
 * is a 404; a failure once bytes went out cuts the connection, so half an
 * archive never passes for a whole one.
 */
export async function save(ctx: ApiContext, a: Of<'imageSave'>): Promise<Reply> {
  for (const n of a.names) await ctx.images.find(n);
  return {
    type: 'stream',
    run: async (res: ServerResponse) => {
      res.setHeader('Content-Type', 'application/x-tar');
      await ctx.images.save(a.names, res, a.format);
    },
  };
}

/** Runs a JSON-message stream; an error before the first message is left to the caller's status mapping. */
function streamed(body: (out: JsonMessageStream) => Promise<void>): Reply {
  return {
    type: 'stream',
    run: async (res) => {
      const out = new JsonMessageStream(res);
      try {
        await body(out);
      } catch (e) {
        if (!out.started) throw e;
        out.error(e);
      }
      out.end();
    },
  };
}
