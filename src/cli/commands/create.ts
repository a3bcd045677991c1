import type { Command } from '../command.js';
import { createContainer } from '../container/create-container.js';
import { CREATE_FLAGS } from '../container/create-flags.js';
import { parseCreate } from '../container/parse-create.js';
import { runStatusError } from '../container/run-errors.js';

const USAGE = '[OPTIONS] IMAGE [COMMAND] [ARG...]';

/** create: prints the new container's id. */
export const create: Command = {
  usage: USAGE,
  summary: 'Create a new container',
  flags: CREATE_FLAGS,
  args: { min: 1 },
  stopAtFirstArg: true,
  async run(ctx, p, path) {
    const req = parseCreate(ctx, p, path, USAGE);
    try {
      ctx.out(`${await createContainer(ctx, req)}\n`);
    } catch (e) {
      throw runStatusError(e, 'create');
    }
    return 0;
  },
};
