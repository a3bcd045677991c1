// Lower layers never import higher ones (ARCHITECTURE.md, "Layers").
// Each folder of src/ lists the folders it may import from.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ALLOWED = {
  oci: [],
  runtime: ['oci'],
  'runtime-cli': ['runtime', 'oci'],
  image: ['oci'],
  snapshot: ['image', 'oci'],
  network: ['runtime', 'oci'],
  vm: ['runtime', 'snapshot', 'image', 'oci'],
  engine: ['vm', 'network', 'snapshot', 'image', 'runtime', 'oci'],
  api: ['engine', 'vm', 'network', 'snapshot', 'image', 'runtime', 'oci'],
  // cli is a client of berthd's API; it imports api only to run the daemon itself (`berth daemon`).
  cli: ['api'],
  compare: ['cli', 'engine', 'api', 'vm', 'network', 'snapshot', 'image', 'runtime', 'oci'],
};
// Shared by every layer: error categories.
const SHARED = new Set(['errors.ts']);
// Layers that must stay free of I/O.
const PURE = { oci: ['node:fs', 'node:child_process', 'node:net', 'node:http', 'fs', 'child_process'] };

const src = path.resolve(import.meta.dirname, '..', 'src');
const problems = [];
const walk = (dir) =>
  readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });

for (const file of walk(src)) {
  const rel = path.relative(src, file);
  const layer = rel.split(path.sep)[0];
  if (SHARED.has(rel)) continue;
  const allowed = ALLOWED[layer];
  if (!allowed) {
    problems.push(`${rel}: folder "${layer}" is not a known layer`);
    continue;
  }
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
    const spec = m[1];
    if (spec.startsWith('.')) {
      const target = path.relative(src, path.resolve(path.dirname(file), spec));
      const targetLayer = target.split(path.sep)[0];
      if (SHARED.has(target.replace(/\.js$/, '.ts'))) continue;
      if (targetLayer !== layer && !allowed.includes(targetLayer)) {
        problems.push(`${rel}: imports ${spec} (layer "${targetLayer}"), which "${layer}" may not use`);
      }
    } else if (PURE[layer]?.includes(spec)) {
      problems.push(`${rel}: imports ${spec}, but "${layer}" does no I/O`);
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`layers: ${walk(src).length} files checked`);
