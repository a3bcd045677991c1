import type { Command } from '../command.js';
import { DOCKER_HUB_KEY, removeCredentials } from '../client/docker-config.js';

export const logout: Command = {
  usage: '[SERVER]',
  summary: 'Log out from a registry',
  flags: [],
  args: { max: 1 },
  async run(ctx, p) {
    const server = p.args[0] ?? DOCKER_HUB_KEY;
    const removed = await removeCredentials(server);
    ctx.out(removed ? `Removing login credentials for ${server}\n` : `Not logged in to ${server}\n`);
    return 0;
  },
};
