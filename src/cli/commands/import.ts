import { createReadStream } from 'node:fs';

import type { Command } from '../command.js';
import { displayJsonMessages } from '../client/json-messages.js';
import { parseImageRef } from '../client/reference.js';
import { all, str } from '../flags.js';
import { progressSink } from '../output/progress.js';

/** import [-c CHANGE]... [-m MESSAGE] FILE|- [REPOSITORY[:TAG]]: prints the new image's id. */
export const importCommand: Command = {
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  summary: 'Import the contents from a tarball to create a filesystem image',
  flags: [
    { name: 'change', short: 'c', value: true, repeat: true, help: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', value: true, help: 'Set commit message for imported image' },
    { name: 'platform', value: true, help: 'Set platform if server is multi-platform capable' },
  ],
  args: { min: 1, max: 2 },
  async run(ctx, p) {
    const [file, ref] = p.args as [string, string | undefined];
    if (ref) parseImageRef(ref); // refused here with docker's message, before any upload
    if (/^https?:\/\//.test(file)) throw new Error('importing from a URL is not supported; download the file and import it');
    const res = await ctx.api().request('POST', '/images/create', {
      query: { fromSrc: '-', repo: ref ?? '', tag: '', message: str(p, 'message') ?? '', changes: all(p, 'change'), platform: str(p, 'platform') },
      body: file === '-' ? ctx.stdin : createReadStream(file),
      headers: { 'Content-Type': 'application/x-tar' },
    });
    await displayJsonMessages(res, progressSink(ctx.stdout), ctx.stdout);
    return 0;
  },
};
