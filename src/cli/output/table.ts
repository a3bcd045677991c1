/** Columns aligned like docker's tabwriter: padded with spaces, three between columns. */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3))).join('').trimEnd())
    .map((line) => `${line}\n`)
    .join('');
}

/** Tab-separated template output ("{{.A}}\t{{.B}}") aligned into columns. */
export function alignTabs(lines: string[]): string {
  return formatTable(lines.map((l) => l.split('\t')));
}
