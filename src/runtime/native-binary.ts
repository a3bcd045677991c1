import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A binary built from native/ in this checkout. The compiled module may sit
 * at dist/src/runtime/ or inside a single-file bundle at dist/bundle/, so
 * look upwards for native/build instead of assuming a depth.
 */
export function nativeBinary(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'native', 'build', name);
    if (existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) return path.join('native', 'build', name);
    dir = up;
  }
}
