/**
 * Per-layer progress for pull, push and load, like docker's: on a terminal
 * one line per layer redrawn in place with a bar; otherwise one plain line
 * per state change (no bars, no escape codes), so logs stay readable.
 */
export interface ProgressEvent {
  /** short layer id (12 hex) or "" for whole-image messages */
  id: string;
  status: string;
  current?: number;
  total?: number;
}

export interface ProgressSink {
  update(ev: ProgressEvent): void;
  /** a line that is not about one layer ("Digest: …", "Status: …") */
  line(text: string): void;
  close(): void;
}

/** For -q: progress goes nowhere. */
export const SILENT: ProgressSink = { update: () => {}, line: () => {}, close: () => {} };

export function progressSink(out: NodeJS.WriteStream): ProgressSink {
  return out.isTTY ? new TerminalProgress(out) : new PlainProgress(out);
}

class PlainProgress implements ProgressSink {
  private last = new Map<string, string>();
  constructor(private readonly out: NodeJS.WritableStream) {}
  update(ev: ProgressEvent): void {
    if (!ev.id) return this.line(ev.status);
    if (this.last.get(ev.id) === ev.status) return;
    this.last.set(ev.id, ev.status);
    this.out.write(`${ev.id}: ${ev.status}\n`);
  }
  line(text: string): void {
    this.out.write(`${text}\n`);
  }
  close(): void {}
}

class TerminalProgress implements ProgressSink {
  private readonly order: string[] = [];
  private readonly lines = new Map<string, string>();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly out: NodeJS.WriteStream) {}

  update(ev: ProgressEvent): void {
    if (!ev.id) return this.line(ev.status);
    if (!this.lines.has(ev.id)) this.order.push(ev.id);
    this.lines.set(ev.id, `${ev.id}: ${ev.status}${bar(ev)}`);
    // Redraw at most ~20 times a second; a fast download sends thousands of events.
    this.timer ??= setTimeout(() => this.redraw(), 50);
  }

  /** A whole-image line ends the current block of layer lines: they stay as drawn, above it. */
  line(text: string): void {
    this.redraw();
    this.order.length = 0;
    this.lines.clear();
    this.drawn = 0;
    this.out.write(`${text}\n`);
  }

  close(): void {
    if (this.order.length > 0) this.redraw();
  }

  private redraw(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const width = this.out.columns || 80; // 0 when the pty has no size set
    let s = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const id of this.order) s += `\x1b[2K${(this.lines.get(id) ?? '').slice(0, width - 1)}\n`;
    this.drawn = this.order.length;
    this.out.write(s);
  }
}

function bar(ev: ProgressEvent): string {
  if (ev.current === undefined || !ev.total) return '';
  const width = 50;
  const done = Math.min(width, Math.floor((ev.current / ev.total) * width));
  const arrow = done < width ? '>' : '';
  return ` [${'='.repeat(Math.max(0, done - (arrow ? 1 : 0)))}${arrow}${' '.repeat(width - done)}]  ${size(ev.current)}/${size(ev.total)}`;
}

function size(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(2)}kB`;
  return `${n}B`;
}
