import type { Command } from '../command.js';
import { displayJsonMessages } from '../client/json-messages.js';
import { familiarString, parseImageRef, withDefaultTag } from '../client/reference.js';
import { bool } from '../flags.js';
import { authHeaders } from '../images/pull-image.js';
import { progressSink, SILENT } from '../output/progress.js';

export const push: Command = {
  usage: '[OPTIONS] NAME[:TAG]',
  summary: 'Upload an image to a registry',
  flags: [
    { name: 'all-tags', short: 'a', help: 'Push all tags of an image to the repository' },
    { name: 'quiet', short: 'q', help: 'Suppress verbose output' },
  ],
  args: { min: 1, max: 1 },
  async run(ctx, p) {
    let ref = parseImageRef(p.args[0] as string);
    const quiet = bool(p, 'quiet');
    if (ref.digest) throw new Error('cannot push a digest reference');
    if (!ref.tag && !bool(p, 'all-tags')) {
      if (!quiet) ctx.out('Using default tag: latest\n');
      ref = withDefaultTag(ref);
    }
    const name = familiarString({ domain: ref.domain, path: ref.path });
    const res = await ctx.api().request('POST', `/images/${name}/push`, { query: { tag: ref.tag }, headers: await authHeaders(ref) });
    await displayJsonMessages(res, quiet ? SILENT : progressSink(ctx.stdout), ctx.stdout);
    if (quiet) ctx.out(`${familiarString(ref)}\n`);
    return 0;
  },
};
