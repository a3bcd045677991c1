/**
 * docker's exit codes for `run` (and `create`): 125 when the engine or the
 * command line is at fault, 126 when the command cannot be invoked, 127
 * when it is not found. Like docker's CLI, berth tells them apart by the
 * daemon's message (cli/command/container/run.go, toStatusError).
 */
import { display, StatusError } from '../errors.js';

export function runStatusError(e: unknown, verb: string): StatusError {
  if (e instanceof StatusError) return e;
  const message = display(e);
  const text = `berth: ${message}\n\nRun 'berth ${verb} --help' for more information`;
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(message)) return new StatusError(127, text);
  if (/permission denied|is a directory/.test(message)) return new StatusError(126, text);
  return new StatusError(125, text);
}
