/**
 * Volume names as Docker's local driver accepts them: at least two
 * characters, a letter or digit first, then letters, digits, "_", "." or
 * "-". The rule also keeps a name a single, harmless path component
 * (no "/", never "." or ".."), since it names a directory under the root.
 */
import { randomBytes } from 'node:crypto';

import { invalidArgument } from '../../errors.js';

const VALID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function checkVolumeName(name: string): void {
  if (name.length === 1) {
    throw invalidArgument('', 'volume name is too short, names should be at least two alphanumeric characters');
  }
  if (!VALID.test(name)) {
    throw invalidArgument(
      '',
      `${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

/** The name of an anonymous volume: 64 hex digits, like a container id. */
export const randomVolumeName = (): string => randomBytes(32).toString('hex');
