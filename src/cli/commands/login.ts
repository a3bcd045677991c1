import { DEFAULT_DOMAIN } from '../../image/reference.js';
import { login as registryLogin, logout as registryLogout } from '../../image/registry/index.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../context.js';
import { bool, parseFlags, str } from '../flags.js';

const insecure = (): string[] => (process.env['BERTH_INSECURE_REGISTRIES'] ?? '').split(',').filter(Boolean);

/**
 * login [-u USER] [-p PASS | --password-stdin] [SERVER]: checks the
 * credentials against the registry, then stores them in
 * ~/.docker/config.json, where docker and podman find them too.
 */
export async function login(ctx: CliContext, argv: string[]): Promise<number> {
  const p = parseFlags(argv, [{ name: 'username', short: 'u', value: true }, { name: 'password', short: 'p', value: true }, { name: 'password-stdin' }]);
  const server = p.args[0] ?? DEFAULT_DOMAIN;
  const username = str(p, 'username');
  let password = str(p, 'password');
  if (bool(p, 'password-stdin')) {
    if (password) throw new UsageError('--password and --password-stdin are mutually exclusive');
    password = (await readAll(process.stdin)).replace(/\r?\n$/, '');
  } else if (password) {
    ctx.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  }
  if (!username || !password) throw new UsageError('login: give --username and --password-stdin (or --password)');
  await registryLogin(server, username, password, { insecureRegistries: insecure() });
  ctx.out('Login Succeeded\n');
  return 0;
}

/** logout [SERVER] */
export async function logout(ctx: CliContext, argv: string[]): Promise<number> {
  const p = parseFlags(argv, []);
  const server = p.args[0] ?? DEFAULT_DOMAIN;
  const removed = await registryLogout(server);
  ctx.out(removed ? `Removing login credentials for ${server}\n` : `Not logged in to ${server}\n`);
  return 0;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let s = '';
  for await (const chunk of stream) s += chunk.toString();
  return s;
}
