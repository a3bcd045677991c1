/**
 * The command line of `run`/`create` → a create request, with docker's
 * failures: a flag value that does not parse exits 125 with the usage; a
 * bad combination exits 125 with "berth: …" and the help hint.
 */
import type { CliContext } from '../context.js';
import { StatusError } from '../errors.js';
import { FlagError, type ParsedFlags } from '../flags.js';
import { consoleSize } from '../client/tty.js';
import { createRequest, type CreateRequest } from './create-body.js';
import { runStatusError } from './run-errors.js';

export function parseCreate(ctx: CliContext, p: ParsedFlags, path: string, usage: string, detach = false): CreateRequest {
  try {
    return createRequest(p, { detach, consoleSize: consoleSize(ctx.stdout) });
  } catch (e) {
    if (e instanceof FlagError) throw new StatusError(125, `${e.message}\n\nUsage:  ${path} ${usage}\n\nRun '${path} --help' for more information`);
    throw runStatusError(e, path.split(' ').at(-1) ?? 'run');
  }
}
