import type { Command } from '../command.js';
import { forEachName } from '../container/each.js';
import { isNotFound } from '../errors.js';
import { bool } from '../flags.js';

/** rm [-f] [-v] CONTAINER...: with -f, a container that is not there is reported but is no failure. */
export const rm: Command = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Remove one or more containers',
  flags: [
    { name: 'force', short: 'f', help: 'Force the removal of a running container (uses SIGKILL)' },
    { name: 'link', short: 'l', help: 'Remove the specified link' },
    { name: 'volumes', short: 'v', help: 'Remove anonymous volumes associated with the container' },
  ],
  args: { min: 1 },
  run(ctx, p) {
    const force = bool(p, 'force');
    const query = { force: force || undefined, v: bool(p, 'volumes') || undefined, link: bool(p, 'link') || undefined };
    return forEachName(ctx, p.args, (n) => ctx.api().call('DELETE', `/containers/${n}`, { query }), (e) => force && isNotFound(e));
  },
};
