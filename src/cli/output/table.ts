/**
 * Columns aligned like docker's tabwriter (minimum width 10, padding 3):
 * every cell but a line's last is padded to its column's width.
 */
export function formatTable(rows: string[][], minWidth = 10): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(Math.max((widths[i] ?? 0) + 3, minWidth)))).join('').trimEnd())
    .map((line) => `${line}\n`)
    .join('');
}

/** Tab-separated template output ("{{.A}}\t{{.B}}") aligned into columns; a rendered row may hold several lines. */
export function alignTabs(lines: string[], minWidth = 10): string {
  return formatTable(lines.flatMap((l) => l.split('\n')).map((l) => l.split('\t')), minWidth);
}
