import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

import type { Command } from '../command.js';
import { str } from '../flags.js';

/**
 * save [-o FILE] IMAGE...: GET /images/get streamed to the file (written
 * whole, then renamed into place, so a failure leaves no half archive), or
 * to stdout when it is not a terminal.
 */
export const save: Command = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  summary: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  flags: [
    { name: 'output', short: 'o', value: true, help: 'Write to a file, instead of STDOUT' },
    { name: 'platform', value: true, repeat: true, help: 'Save only the given platform(s)' },
    { name: 'format', value: true, help: 'Archive format: "docker" (docker load reads it) or "oci" (an OCI image layout)' },
  ],
  args: { min: 1 },
  async run(ctx, p) {
    const output = str(p, 'output');
    if (!output && ctx.stdout.isTTY) throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    const format = str(p, 'format');
    const res = await ctx.api().request('GET', '/images/get', { query: { names: p.args, ...(format ? { format } : {}) } });
    if (!output) {
      await pipeline(res, ctx.stdout, { end: false });
      return 0;
    }
    const tmp = `${output}.partial-${process.pid}`;
    try {
      await pipeline(res, createWriteStream(tmp));
      // A connection cut by the daemon mid-archive ends the response early but "successfully".
      if (!res.complete) throw new Error('the daemon ended the archive early');
      await rename(tmp, output);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return 0;
  },
};
