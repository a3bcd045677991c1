import { createReadStream } from 'node:fs';

import type { Command } from '../command.js';
import { displayJsonMessages } from '../client/json-messages.js';
import { bool, str } from '../flags.js';
import { progressSink } from '../output/progress.js';

/** load [-i FILE] [-q]: the archive (from the file, or stdin) is the request body of POST /images/load. */
export const load: Command = {
  usage: '[OPTIONS]',
  summary: 'Load an image from a tar archive or STDIN',
  flags: [
    { name: 'input', short: 'i', value: true, help: 'Read from tar archive file, instead of STDIN' },
    { name: 'quiet', short: 'q', help: 'Suppress the load output' },
    { name: 'platform', value: true, repeat: true, help: 'Load only the given platform(s)' },
  ],
  args: { max: 0 },
  async run(ctx, p) {
    const input = str(p, 'input');
    if (!input && ctx.stdin.isTTY) throw new Error('requested load from stdin, but stdin is empty');
    const body = input ? createReadStream(input) : ctx.stdin;
    const quiet = bool(p, 'quiet');
    const res = await ctx.api().request('POST', '/images/load', { query: { quiet: quiet || undefined }, body, headers: { 'Content-Type': 'application/x-tar' } });
    await displayJsonMessages(res, progressSink(ctx.stdout), ctx.stdout);
    return 0;
  },
};
