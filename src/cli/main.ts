/**
 * The `berth` command. Image verbs work today against the engine in this
 * process; container verbs arrive with berthd and its Docker Engine API.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { BerthError } from '../errors.js';
import { history } from './commands/history.js';
import { imageInspect } from './commands/image-inspect.js';
import { imagePrune } from './commands/image-prune.js';
import { images } from './commands/images.js';
import { login, logout } from './commands/login.js';
import { pull } from './commands/pull.js';
import { push } from './commands/push.js';
import { rmi } from './commands/rmi.js';
import { tag } from './commands/tag.js';
import { archiveCommands } from './commands/archives.js';
import { daemon } from './commands/daemon.js';
import { berthRoot, CliContext, UsageError, type Command } from './context.js';
import { FlagError } from './flags.js';
import { TemplateError } from './output/go-template.js';

const COMMANDS: Record<string, Command> = {
  pull,
  push,
  images,
  tag,
  rmi,
  history,
  login,
  logout,
  ...archiveCommands,
  daemon: (ctx, argv) => {
    const pkg = packageInfo();
    return daemon(ctx, argv, { version: pkg.version, runtimePath: path.join(pkg.dir, 'bin', 'berth-runtime') });
  },
};

/** `berth image VERB`: the same verbs under docker's management-command names. */
const IMAGE_COMMANDS: Record<string, Command> = {
  ls: images,
  list: images,
  pull,
  push,
  tag,
  rm: rmi,
  remove: rmi,
  inspect: imageInspect,
  history,
  prune: imagePrune,
  ...archiveCommands,
};

const USAGE = `usage: berth [--root DIR] COMMAND

images:
  pull NAME[:TAG|@DIGEST]       download an image from a registry
  push NAME[:TAG]               upload an image to a registry
  images [REPO[:TAG]]           list images (-q, --digests, --format)
  tag SOURCE TARGET             give an image another name
  rmi IMAGE...                  remove images (-f)
  history IMAGE                 the layers of an image
  image inspect|prune|ls|rm …   the same, and more, as docker's "image" commands
  load [-i FILE]                load images from a docker-save or OCI archive
  save [-o FILE] IMAGE...       write images to a docker-save (or --format oci) archive
  import FILE|- [REF]           make an image from a root filesystem tarball (-c CMD …)
  login / logout [SERVER]       store or remove registry credentials

  daemon [-H unix:///PATH]      run berthd, the Docker Engine API, in the foreground

  version                       print berth's version

State lives in --root (BERTH_ROOT, default /var/lib/berth). The OCI runtime
is berth-runtime, with runc's command line.
`;

export async function main(argv: string[]): Promise<number> {
  let args = argv;
  let root = berthRoot();
  if (args[0] === '--root') {
    root = args[1] ?? root;
    args = args.slice(2);
  } else if (args[0]?.startsWith('--root=')) {
    root = args[0].slice('--root='.length);
    args = args.slice(1);
  }
  const [verb, ...rest] = args;
  if (verb === 'version' || verb === '--version') {
    process.stdout.write(`berth ${packageInfo().version}\n`);
    return 0;
  }
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    process.stdout.write(USAGE);
    return verb === undefined ? 1 : 0;
  }
  let command = COMMANDS[verb];
  let commandArgs = rest;
  if (verb === 'image') {
    command = IMAGE_COMMANDS[rest[0] ?? ''];
    commandArgs = rest.slice(1);
  }
  if (!command) {
    process.stderr.write(`berth: unknown command "${[verb, ...(verb === 'image' ? rest.slice(0, 1) : [])].join(' ')}"\n\n${USAGE}`);
    return 1;
  }
  const ctx = new CliContext(root);
  try {
    return await command(ctx, commandArgs);
  } catch (e) {
    if (e instanceof UsageError || e instanceof FlagError || e instanceof TemplateError) {
      process.stderr.write(`berth: ${e.message}\nSee 'berth --help'.\n`);
      return 1;
    }
    const message = e instanceof BerthError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`Error: ${message}\n`);
    return 1;
  } finally {
    ctx.close();
  }
}

/** berth's package.json, found upwards from this module (compiled or bundled): its version and directory. */
function packageInfo(): { version: string; dir: string } {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'berth' && pkg.version) return { version: pkg.version, dir };
    }
    if (path.dirname(dir) === dir) return { version: 'unknown', dir: process.cwd() };
  }
}
