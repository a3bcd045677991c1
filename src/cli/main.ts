/**
 * The `berth` command: a client of berthd's Docker Engine API, with
 * docker's verbs, flags, output and exit codes. Global flags come before
 * the verb; the verb (or a management command and its verb) picks the
 * Command that runs.
 */
import { runCommand } from './command.js';
import { COMMANDS, GROUPS } from './commands/index.js';
import { version } from './commands/version.js';
import { CliContext, type GlobalOptions } from './context.js';
import { display, StatusError, UsageError } from './errors.js';
import { bool, FlagError, parseFlags, str } from './flags.js';
import { groupHelp } from './help.js';
import { packageInfo } from './package-info.js';
import { usage } from './usage.js';

const GLOBAL_FLAGS = [
  { name: 'config', value: true },
  { name: 'debug', short: 'D' },
  { name: 'exec-root', value: true },
  { name: 'help', short: 'h' },
  { name: 'host', short: 'H', value: true },
  { name: 'root', value: true },
  { name: 'version', short: 'v' },
];

export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    return report(e);
  }
}

async function dispatch(argv: string[]): Promise<number> {
  let g;
  try {
    g = parseFlags(argv, GLOBAL_FLAGS, true);
  } catch (e) {
    if (e instanceof FlagError) throw new StatusError(125, `${e.message}\nSee 'berth --help'.`);
    throw e;
  }
  const config = str(g, 'config');
  if (config) process.env['DOCKER_CONFIG'] = config;
  if (bool(g, 'debug')) process.env['BERTH_DEBUG'] = '1';
  const options: GlobalOptions = {};
  for (const [flag, key] of [['root', 'root'], ['exec-root', 'execRoot'], ['host', 'host']] as const) {
    const v = str(g, flag);
    if (v) options[key] = v;
  }
  const ctx = new CliContext(options);
  const [verb, ...rest] = g.args;
  if (bool(g, 'version')) {
    ctx.out(`berth version ${packageInfo().version}\n`);
    return 0;
  }
  if (verb === undefined || verb === 'help' || bool(g, 'help')) {
    ctx.out(usage());
    return 0;
  }
  if (verb === 'version') return runCommand(ctx, 'berth version', version, rest);
  const group = GROUPS[verb];
  if (group) {
    const [sub, ...subArgs] = rest;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      ctx.out(groupHelp(`berth ${verb}`, group.summary, group.verbs, group.aliases));
      return 0;
    }
    const cmd = group.verbs[sub];
    if (!cmd) throw new UsageError(`unknown command: berth ${verb} ${sub}\n\nRun 'berth ${verb} --help' for more information`);
    return runCommand(ctx, `berth ${verb} ${sub}`, cmd, subArgs);
  }
  const cmd = COMMANDS[verb];
  if (!cmd) throw new UsageError(`unknown command: berth ${verb}\n\nRun 'berth --help' for more information`);
  return runCommand(ctx, `berth ${verb}`, cmd, rest);
}

/** Prints a failure the way docker does and gives its exit code. */
function report(e: unknown): number {
  if (e instanceof StatusError) {
    if (e.message) process.stderr.write(`${e.message}\n`);
    return e.code === 0 ? 1 : e.code;
  }
  process.stderr.write(`${e instanceof UsageError ? 'berth: ' : ''}${display(e)}\n`);
  return 1;
}
