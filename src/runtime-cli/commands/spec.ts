import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { alreadyExists } from '../../errors.js';
import { defaultSpec } from '../../oci/defaults.js';
import { flag, parseArgs } from '../args.js';
import type { Command } from '../command.js';

/** spec [--bundle DIR]: write a default config.json, as `runc spec` does */
export const spec: Command = async (_runtime, argv) => {
  const p = parseArgs(argv, [{ names: ['--bundle', '-b'], value: true }, { names: ['--rootless'] }]);
  const file = path.join(flag(p, '--bundle') ?? '.', 'config.json');
  if (existsSync(file)) throw alreadyExists(file, 'already exists, remove it first');
  await writeFile(file, `${JSON.stringify(defaultSpec(), null, '\t')}\n`);
  return 0;
};
