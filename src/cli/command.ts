/**
 * One verb of the CLI: its usage line, flags and argument count, and what
 * it does. `runCommand` handles what every verb shares, as docker's cobra
 * commands do: `--help`, flag errors (exit 125, usage shown), argument
 * counts (exit 1), then the verb itself.
 */
import type { CliContext } from './context.js';
import { StatusError, UsageError } from './errors.js';
import { FlagError, parseFlags, type FlagDef, type ParsedFlags } from './flags.js';
import { commandHelp } from './help.js';

export interface Command {
  /** what follows the command path in the usage line: "[OPTIONS] IMAGE [COMMAND] [ARG...]" */
  usage: string;
  summary: string;
  flags: FlagDef[];
  /** how many positional arguments: exact, or a range; any number when absent */
  args?: { min?: number; max?: number };
  /** flags end at the first positional argument: `run IMAGE sh -c …` */
  stopAtFirstArg?: boolean;
  run(ctx: CliContext, p: ParsedFlags, path: string): Promise<number>;
}

const HELP: FlagDef = { name: 'help', help: 'Print usage' };

/** Runs `cmd` as `path` ("berth container ls") on `argv`. */
export async function runCommand(ctx: CliContext, path: string, cmd: Command, argv: string[]): Promise<number> {
  let p: ParsedFlags;
  const useLine = `${path} ${cmd.usage}`.trim();
  try {
    p = parseFlags(argv, [...cmd.flags, HELP], cmd.stopAtFirstArg);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    throw new StatusError(125, `${e.message}\n\nUsage:  ${useLine}\n\nRun '${path} --help' for more information`);
  }
  if (p.values.has('help')) {
    ctx.out(commandHelp(path, cmd));
    return 0;
  }
  const problem = argCountProblem(p.args.length, cmd.args ?? {});
  if (problem) throw new UsageError(`'${path}' ${problem.text}\n\nUsage:  ${useLine}\n\n${problem.see ? 'See' : 'Run'} '${path} --help' for more information`);
  return cmd.run(ctx, p, path);
}

/** docker's wording (cli/required.go) for the wrong number of arguments. */
function argCountProblem(n: number, { min, max }: { min?: number; max?: number }): { text: string; see: boolean } | undefined {
  const plural = (k: number) => `${k} argument${k === 1 ? '' : 's'}`;
  if (max === 0 && n > 0) return { text: 'accepts no arguments', see: false };
  if (min !== undefined && min === max && n !== min) return { text: `requires ${plural(min)}`, see: false };
  if (min !== undefined && max !== undefined && (n < min || n > max)) return { text: `requires at least ${min} and at most ${plural(max)}`, see: true };
  if (min !== undefined && n < min) return { text: `requires at least ${plural(min)}`, see: true };
  if (max !== undefined && n > max) return { text: `requires at most ${plural(max)}`, see: true };
  return undefined;
}
