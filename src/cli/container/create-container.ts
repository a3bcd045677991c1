/**
 * POST /containers/create, as docker's CLI does it: with `--pull always`
 * the image is pulled first; with `missing` (the default) a 404 is
 * answered by "Unable to find image 'busybox:latest' locally", a pull
 * (progress on stderr) and a second create. Warnings go to stderr; the id
 * goes to --cidfile when asked.
 */
import { existsSync, writeFileSync } from 'node:fs';

import { familiarString, parseImageRef, withDefaultTag } from '../client/reference.js';
import type { CliContext } from '../context.js';
import { isNotFound } from '../errors.js';
import { pullImage } from '../images/pull-image.js';
import type { CreateRequest } from './create-body.js';

interface CreateResponse {
  Id: string;
  Warnings?: string[] | null;
}

export async function createContainer(ctx: CliContext, req: CreateRequest): Promise<string> {
  if (req.cidfile && existsSync(req.cidfile)) throw new Error(`container ID file found, make sure the other container isn't running or delete ${req.cidfile}`);
  const tagged = familiarString(withDefaultTag(parseImageRef(req.image)));
  const pull = () => pullImage(ctx, tagged, { out: ctx.stderr, quiet: req.quiet, ...(req.platform ? { platform: req.platform } : {}) });
  const create = () =>
    ctx.api().json<CreateResponse>('POST', '/containers/create', { query: { name: req.name, platform: req.platform }, json: req.body });
  if (req.pull === 'always') await pull();
  let res: CreateResponse;
  try {
    res = await create();
  } catch (e) {
    if (!isNotFound(e) || req.pull !== 'missing') throw e;
    if (!req.quiet) ctx.err(`Unable to find image '${tagged}' locally\n`);
    await pull();
    res = await create();
  }
  for (const w of res.Warnings ?? []) ctx.err(`WARNING: ${w}\n`);
  if (req.cidfile) writeFileSync(req.cidfile, res.Id, { mode: 0o644 });
  return res.Id;
}
