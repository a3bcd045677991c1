import type { Command } from '../command.js';
import { credentialKey, DOCKER_HUB_KEY, storeCredentials } from '../client/docker-config.js';
import { bool, str } from '../flags.js';
import { readAll, readLine } from '../prompt.js';

/**
 * login: POST /auth checks the credentials against the registry (through
 * the daemon, as docker does); only then are they stored, client side, in
 * ~/.docker/config.json, where pulls and pushes find them.
 */
export const login: Command = {
  usage: '[OPTIONS] [SERVER]',
  summary: 'Authenticate to a registry',
  flags: [
    { name: 'password', short: 'p', value: true, help: 'Password or Personal Access Token (PAT)' },
    { name: 'password-stdin', help: 'Take the Password or Personal Access Token (PAT) from stdin' },
    { name: 'username', short: 'u', value: true, help: 'Username' },
  ],
  args: { max: 1 },
  async run(ctx, p) {
    const server = p.args[0] ?? DOCKER_HUB_KEY;
    let username = str(p, 'username');
    let password = str(p, 'password');
    if (bool(p, 'password-stdin')) {
      if (password) throw new Error('--password and --password-stdin are mutually exclusive');
      if (!username) throw new Error('Must provide --username with --password-stdin');
      password = (await readAll(ctx.stdin)).replace(/\r?\n$/, '');
    } else if (password) {
      ctx.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    }
    if (!username || !password) {
      if (!ctx.stdin.isTTY) throw new Error('Cannot perform an interactive login from a non TTY device');
      if (!username) {
        ctx.out('Username: ');
        username = (await readLine(ctx.stdin)).trim();
      }
      if (!password) password = await readPassword(ctx.stdin, ctx.stdout);
    }
    if (!username || !password) throw new Error('Error: Non-null Username and Password Required');
    const serveraddress = credentialKey(server) === DOCKER_HUB_KEY ? DOCKER_HUB_KEY : server;
    await ctx.api().json('POST', '/auth', { json: { username, password, serveraddress } });
    await storeCredentials(server, { username, password });
    ctx.out('Login Succeeded\n');
    return 0;
  },
};

/** "Password: " without echo: the terminal in raw mode while it is typed. */
async function readPassword(stdin: NodeJS.ReadStream, out: NodeJS.WriteStream): Promise<string> {
  out.write('Password: ');
  stdin.setRawMode(true);
  try {
    let s = '';
    for await (const chunk of stdin) {
      for (const c of chunk.toString()) {
        if (c === '\r' || c === '\n') return s;
        if (c === '\u0003') throw new Error('login cancelled');
        s = c === '\u007f' ? s.slice(0, -1) : s + c;
      }
    }
    return s;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    out.write('\n');
  }
}
