/**
 * The part of Go's text/template that people type into `--format`:
 * `{{.Field}}`, nested `{{.A.B}}`, `{{json .}}`, `{{json .Field}}`, and a
 * leading `table` that prints a header row and aligns columns. Anything
 * else is refused with a plain message rather than guessed at.
 */
import { alignTabs } from './table.js';

export class TemplateError extends Error {
  override name = 'TemplateError';
}

type Part = { text: string } | { path: string[]; json: boolean };

export interface Template {
  table: boolean;
  render(value: unknown): string;
  header(): string;
}

export function parseTemplate(source: string): Template {
  let text = source.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const table = /^table\s/.test(text) || text === 'table';
  if (table) text = text.replace(/^table\s*/, '');
  const parts: Part[] = [];
  const re = /\{\{\s*(.*?)\s*\}\}/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    parts.push(action(m[1] ?? ''));
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return {
    table,
    render: (value) => parts.map((p) => ('text' in p ? p.text : show(lookup(value, p.path), p.json))).join(''),
    header: () =>
      parts.map((p) => ('text' in p ? p.text : p.json ? 'JSON' : headerName(p.path.at(-1) ?? ''))).join(''),
  };
}

function action(body: string): Part {
  const json = /^json\s+/.test(body);
  const expr = json ? body.replace(/^json\s+/, '') : body;
  if (expr === '.') return { path: [], json };
  if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(expr)) throw new TemplateError(`template: unsupported action "{{${body}}}"`);
  return { path: expr.slice(1).split('.'), json };
}

function lookup(value: unknown, path: string[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function show(v: unknown, json: boolean): string {
  if (json) return JSON.stringify(v ?? null);
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'object') return Array.isArray(v) ? `[${v.map((x) => show(x, false)).join(' ')}]` : `map[${Object.entries(v).map(([k, x]) => `${k}:${show(x, false)}`).join(' ')}]`;
  return String(v);
}

/** Docker's column headers: "Repository" -> "REPOSITORY", "CreatedSince" -> "CREATED". */
const HEADERS: Record<string, string> = { ID: 'IMAGE ID', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', Names: 'NAMES' };
function headerName(field: string): string {
  return HEADERS[field] ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

/** `--format` output for a list: one rendered line per row; a `table` template gets a header and aligned columns. */
export function renderRows(format: string, rows: unknown[]): string {
  const t = parseTemplate(format);
  const lines = rows.map((r) => t.render(r));
  return t.table ? alignTabs([t.header(), ...lines]) : lines.map((l) => `${l}\n`).join('');
}
