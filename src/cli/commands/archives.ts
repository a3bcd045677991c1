import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';

import { familiarString, parseReference } from '../../image/reference.js';
import type { CliContext, Command } from '../context.js';
import { UsageError } from '../context.js';
import { all, parseFlags, str } from '../flags.js';

/** load [-i FILE] [-q]: from the file, or from stdin. */
async function load(ctx: CliContext, argv: string[]): Promise<number> {
  const p = parseFlags(argv, [{ name: 'input', short: 'i', value: true }, { name: 'quiet', short: 'q' }]);
  const input = str(p, 'input');
  if (!input && process.stdin.isTTY) throw new UsageError('requested load from stdin, but stdin is empty');
  const result = await (await ctx.imageService()).load(input ? createReadStream(input) : process.stdin);
  for (const name of result.loaded) {
    ctx.out(name.startsWith('sha256:') ? `Loaded image ID: ${name}\n` : `Loaded image: ${familiarString(parseReference(name))}\n`);
  }
  return 0;
}

/**
 * save [-o FILE] [--format docker|oci] IMAGE...: to the file (written
 * whole, then renamed into place, so a failure leaves no half archive), or
 * to stdout when it is not a terminal.
 */
async function save(ctx: CliContext, argv: string[]): Promise<number> {
  const p = parseFlags(argv, [{ name: 'output', short: 'o', value: true }, { name: 'format', value: true }]);
  if (p.args.length === 0) throw new UsageError('"save" requires at least 1 argument: IMAGE...');
  const format = str(p, 'format') ?? 'docker';
  if (format !== 'docker' && format !== 'oci') throw new UsageError(`--format must be "docker" or "oci", not "${format}"`);
  const output = str(p, 'output');
  const images = await ctx.imageService();
  if (!output) {
    if (process.stdout.isTTY) throw new UsageError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    await images.save(p.args, process.stdout, format);
    return 0;
  }
  const tmp = `${output}.partial-${process.pid}`;
  try {
    await images.save(p.args, createWriteStream(tmp), format);
    await rename(tmp, output);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return 0;
}

/** import [-c CHANGE]... [-m MESSAGE] FILE|- REPOSITORY[:TAG]: prints the new image id. */
async function importCommand(ctx: CliContext, argv: string[]): Promise<number> {
  const p = parseFlags(argv, [
    { name: 'change', short: 'c', value: true, repeat: true },
    { name: 'message', short: 'm', value: true },
    { name: 'platform', value: true },
  ]);
  const [file, ref, ...extra] = p.args;
  if (!file || extra.length > 0) throw new UsageError('"import" requires a file (or "-") and an image name: FILE|- REPOSITORY[:TAG]');
  if (!ref) throw new UsageError('import: give the image a name (REPOSITORY[:TAG]); berth keeps no untagged images');
  const message = str(p, 'message');
  const result = await (await ctx.imageService()).import(file === '-' ? process.stdin : createReadStream(file), ref, {
    changes: all(p, 'change'),
    ...(message ? { message } : {}),
  });
  ctx.out(`${result.config.digest}\n`);
  return 0;
}

export const archiveCommands: Record<string, Command> = { load, save, import: importCommand };
