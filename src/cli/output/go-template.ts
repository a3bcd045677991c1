/**
 * `--format` as docker reads it: a Go template (see template-parse.ts for
 * the subset), `json` for `{{json .}}`, and a leading `table` that adds a
 * header row and aligns the tab-separated columns. `\t` and `\n` typed
 * literally become a tab and a newline, as docker does.
 */
import { alignTabs } from './table.js';
import { execute } from './template-exec.js';
import { HEADER_FUNCS } from './template-funcs.js';
import { parse } from './template-parse.js';

export { TemplateError } from './template-parse.js';

export interface Template {
  table: boolean;
  render(value: unknown): string;
  header(): string;
}

/** Column names: docker's per listing ("ID" heads "CONTAINER ID" in ps, "IMAGE ID" in images). */
export type Headers = Readonly<Record<string, string>>;

export function parseTemplate(source: string, headers: Headers = {}): Template {
  let text = source === 'json' ? '{{json .}}' : source;
  const table = /^table(\s|$)/.test(text);
  if (table) text = text.slice('table'.length);
  text = text.replace(/^ +| +$/g, '').replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const nodes = parse(text);
  // The header row runs the same template over an object whose every field (or method) names its column.
  const headerRow = new Proxy({}, { get: (_t, key) => () => (typeof key === 'string' ? headerName(key, headers) : '') });
  return {
    table,
    render: (value) => execute(nodes, value),
    header: () => execute(nodes, headerRow, HEADER_FUNCS),
  };
}

export function headerName(field: string, headers: Headers = {}): string {
  return headers[field] ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

/** `--format` output for a list: one rendered line per row; a `table` template gets a header and aligned columns. */
export function renderRows(format: string, rows: unknown[], headers: Headers = {}): string {
  const t = parseTemplate(format, headers);
  const lines = rows.map((r) => t.render(r));
  return t.table ? alignTabs([t.header(), ...lines]) : lines.map((l) => `${l}\n`).join('');
}

/**
 * A listing printed with the user's --format, or the command's own table
 * when there is none (or it is just "table").
 */
export function formatList(format: string | undefined, defaultTable: string, rows: unknown[], headers: Headers): string {
  return renderRows(!format || format === 'table' ? defaultTable : format, rows, headers);
}
