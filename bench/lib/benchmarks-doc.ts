/**
 * docs/benchmarks.md holds one "## " section per benchmark. Each benchmark
 * replaces its own section and leaves the others as they are, so they can
 * be rerun one at a time.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';

import { machineLine } from './machine.js';

function header(): string {
  return `# Benchmarks

Measured by the scripts in \`bench/\`; reproduce all of them with \`npm run bench\`
(as root: it runs containers). Each section says when and on what machine it
was measured; numbers from different machines are not comparable.

File created ${new Date().toISOString().slice(0, 10)} on: ${machineLine()}.
`;
}

/** `text` with the section titled `heading` (a "## " line) replaced by `body`, or appended. */
export function replaceSection(text: string, heading: string, body: string): string {
  const section = `${heading}\n\n${body.trim()}\n`;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trimEnd() === heading);
  if (start < 0) return `${text.trimEnd()}\n\n${section}`;
  let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  if (end < 0) end = lines.length;
  const before = lines.slice(0, start).join('\n').trimEnd();
  const after = lines.slice(end).join('\n').trim();
  return `${before}\n\n${section}${after ? `\n${after}\n` : ''}`;
}

/** Writes (atomically) `file` with the section replaced; creates the file with a header if missing. */
export async function writeSection(file: string, heading: string, body: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    text = header();
  }
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, replaceSection(text, heading, body));
  await rename(tmp, file);
}
