import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** berth's package.json, found upwards from this module (compiled or bundled): its version and directory. */
export function packageInfo(): { version: string; dir: string } {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'berth' && pkg.version) return { version: pkg.version, dir };
    }
    if (path.dirname(dir) === dir) return { version: 'unknown', dir: process.cwd() };
  }
}
