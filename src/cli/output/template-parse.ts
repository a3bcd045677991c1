/**
 * Parses the part of Go's text/template that `--format` strings use into a
 * small tree: text, `{{pipeline}}`, `if`/`else if`/`else`, `range` (with
 * `$i, $v :=`), `with`, `end`, variables, pipes `|`, function calls,
 * literals, parentheses, `{{-`/`-}}` trimming and comments `{{/* … *\/}}`.
 * `define`, `template` and `block` are refused.
 */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'print'; pipe: Pipe }
  | { kind: 'if' | 'with' | 'range'; pipe: Pipe; then: Node[]; else: Node[] };

export interface Pipe {
  /** variables set by `$x := …` or `$i, $v := …` (range) */
  vars: string[];
  /** `:=` declares, `=` assigns */
  declare: boolean;
  cmds: Operand[][];
}

export type Operand =
  | { kind: 'field'; from: string; path: string[] }
  | { kind: 'func'; name: string }
  | { kind: 'lit'; value: unknown }
  | { kind: 'sub'; pipe: Pipe; path: string[] };

type Token = { t: 'field' | 'var' | 'ident' | 'lit' | 'punct'; v: string; value?: unknown };

const fail = (msg: string): never => {
  throw new TemplateError(`template parsing error: template: :1: ${msg}`);
};

/** Splits source into text and action bodies, applying the trim markers. */
function scan(source: string): { text?: string; action?: string }[] {
  const out: { text?: string; action?: string }[] = [];
  let i = 0;
  let trimNext = false;
  while (i <= source.length) {
    const open = source.indexOf('{{', i);
    let text = source.slice(i, open < 0 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      if (text) out.push({ text });
      break;
    }
    let start = open + 2;
    if (source[start] === '-' && /\s/.test(source[start + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      start += 2;
    }
    if (text) out.push({ text });
    const close = findClose(source, start);
    let end = close;
    trimNext = false;
    if (source[close - 1] === '-' && /\s/.test(source[close - 2] ?? '')) {
      end = close - 2;
      trimNext = true;
    }
    out.push({ action: source.slice(start, end).trim() });
    i = close + 2;
  }
  return out;
}

/** The `}}` closing an action, skipping quoted strings. */
function findClose(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === '`') {
      const q = c;
      for (i++; i < s.length && s[i] !== q; i++) if (q === '"' && s[i] === '\\') i++;
    } else if (c === '}' && s[i + 1] === '}') {
      return i;
    }
  }
  return fail('unclosed action');
}

function lex(body: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\.(?:[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?)|(\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|("(?:[^"\\]|\\.)*"|`[^`]*`)|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(:=|[()|,=]))/y;
  let pos = 0;
  while (pos < body.length) {
    if (/^\s*$/.test(body.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(body);
    if (!m) fail(`unexpected "${body.slice(pos).trim()[0]}" in command`);
    const [all, field, variable, str, num, ident, punct] = m as unknown as (string | undefined)[];
    if (field !== undefined) tokens.push({ t: 'field', v: field });
    else if (variable !== undefined) tokens.push({ t: 'var', v: variable });
    else if (str !== undefined) tokens.push({ t: 'lit', v: str, value: str.startsWith('`') ? str.slice(1, -1) : (JSON.parse(str) as string) });
    else if (num !== undefined) tokens.push({ t: 'lit', v: num, value: Number(num) });
    else if (ident !== undefined) tokens.push(['true', 'false', 'nil'].includes(ident) ? { t: 'lit', v: ident, value: ident === 'nil' ? null : ident === 'true' } : { t: 'ident', v: ident });
    else tokens.push({ t: 'punct', v: punct as string });
    pos += (all as string).length;
  }
  return tokens;
}

class PipeParser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  pipe(stop?: string): Pipe {
    const vars: string[] = [];
    let declare = false;
    // `$x :=`, `$i, $v :=` or `$x =` before the commands
    let j = this.i;
    const names: string[] = [];
    while (this.tokens[j]?.t === 'var' && !this.tokens[j]?.v.includes('.')) {
      names.push(this.tokens[j]?.v as string);
      if (this.tokens[j + 1]?.v === ',') j += 2;
      else break;
    }
    const op = this.tokens[j + 1]?.v;
    if (names.length > 0 && (op === ':=' || op === '=')) {
      vars.push(...names);
      declare = op === ':=';
      this.i = j + 2;
    }
    const cmds: Operand[][] = [];
    for (;;) {
      const cmd: Operand[] = [];
      while (this.i < this.tokens.length && this.peek() !== '|' && this.peek() !== ')') cmd.push(this.operand());
      if (cmd.length === 0) fail('missing command');
      cmds.push(cmd);
      if (this.peek() !== '|') break;
      this.i++;
    }
    if (stop && this.peek() !== stop) fail(`unclosed left paren`);
    return { vars, declare, cmds };
  }

  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  private peek(): string | undefined {
    const t = this.tokens[this.i];
    return t?.t === 'punct' ? t.v : undefined;
  }

  private operand(): Operand {
    const t = this.tokens[this.i++] as Token;
    switch (t.t) {
      case 'field':
        return { kind: 'field', from: '.', path: t.v === '.' ? [] : t.v.slice(1).split('.') };
      case 'var': {
        const [name = '$', ...path] = t.v.split('.');
        return { kind: 'field', from: name, path };
      }
      case 'lit':
        return { kind: 'lit', value: t.value };
      case 'ident':
        return { kind: 'func', name: t.v };
      case 'punct': {
        if (t.v !== '(') return fail(`unexpected "${t.v}" in operand`);
        const pipe = this.pipe(')');
        this.i++;
        const next = this.tokens[this.i];
        // `(index .X 0).Name`: a field chain right after the parenthesis
        const path = next?.t === 'field' && next.v !== '.' ? (this.i++, next.v.slice(1).split('.')) : [];
        return { kind: 'sub', pipe, path };
      }
    }
  }
}

export function parse(source: string): Node[] {
  const pieces = scan(source);
  let k = 0;
  const list = (): { nodes: Node[]; end: string; rest?: string } => {
    const nodes: Node[] = [];
    while (k < pieces.length) {
      const p = pieces[k++] as { text?: string; action?: string };
      if (p.text !== undefined) {
        nodes.push({ kind: 'text', text: p.text });
        continue;
      }
      const body = p.action as string;
      if (body.startsWith('/*')) continue;
      const word = /^([a-z]+)\b\s*(.*)$/s.exec(body);
      const keyword = word?.[1] ?? '';
      const rest = word?.[2] ?? '';
      if (keyword === 'end') return { nodes, end: 'end' };
      if (keyword === 'else') return { nodes, end: 'else', rest };
      if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
        nodes.push(block(keyword, rest));
        continue;
      }
      if (['define', 'template', 'block', 'break', 'continue'].includes(keyword)) fail(`"${keyword}" is not supported in --format templates`);
      nodes.push({ kind: 'print', pipe: pipeOf(body) });
    }
    return { nodes, end: 'eof' };
  };
  const block = (kind: 'if' | 'with' | 'range', cond: string): Node => {
    const body = list();
    let otherwise: Node[] = [];
    if (body.end === 'else') {
      const chained = /^(if|with)\b\s*(.*)$/s.exec(body.rest ?? '');
      // `else if …` (and `else with …`) is a nested block sharing this one's `end`
      otherwise = chained ? [block(chained[1] as 'if' | 'with', chained[2] ?? '')] : expectEnd(list());
    } else if (body.end !== 'end') {
      fail(`unexpected EOF`);
    }
    return { kind, pipe: pipeOf(cond), then: body.nodes, else: otherwise };
  };
  const expectEnd = (l: { nodes: Node[]; end: string }): Node[] => (l.end === 'end' ? l.nodes : fail(`expected end; found ${l.end}`));
  const top = list();
  if (top.end !== 'eof') fail(`unexpected {{${top.end}}}`);
  return top.nodes;
}

function pipeOf(body: string): Pipe {
  const tokens = lex(body);
  if (tokens.length === 0) fail('missing value for command');
  const p = new PipeParser(tokens);
  const pipe = p.pipe();
  if (!p.done) fail(`unexpected ")" in command`);
  return pipe;
}
