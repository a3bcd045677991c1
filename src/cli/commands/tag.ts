import type { Command } from '../command.js';
import { fullName, parseImageRef } from '../client/reference.js';

export const tag: Command = {
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  summary: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  flags: [],
  args: { min: 2, max: 2 },
  async run(ctx, p) {
    const [source, target] = p.args as [string, string];
    const ref = parseImageRef(target);
    if (ref.digest) throw new Error('refusing to create a tag with a digest reference');
    await ctx.api().call('POST', `/images/${source}/tag`, { query: { repo: fullName(ref), tag: ref.tag ?? 'latest' } });
    return 0;
  },
};
