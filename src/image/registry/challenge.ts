/**
 * WWW-Authenticate challenges (RFC 7235 §4.1), as registries send them:
 *
 *   Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"
 *   Basic realm="Registry Realm"
 *
 * One header may carry several challenges separated by commas, and a
 * response may carry several headers; parameters may be tokens or quoted
 * strings with backslash escapes. Unparseable input yields what could be
 * read, never an exception: a bad header from a registry ends in "unauthorized", not a crash.
 */
export interface AuthChallenge {
  /** lower case: "bearer", "basic" */
  scheme: string;
  /** parameter names lower-cased */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

class Scanner {
  i = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }

  peek(): string {
    return this.s[this.i] ?? '';
  }

  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++;
  }

  token(): string {
    const start = this.i;
    while (!this.done && TOKEN_CHAR.test(this.peek())) this.i++;
    return this.s.slice(start, this.i);
  }

  /** A token68 value or token: everything up to a comma or space. */
  bareValue(): string {
    const start = this.i;
    while (!this.done && this.peek() !== ',' && this.peek() !== ' ' && this.peek() !== '\t') this.i++;
    return this.s.slice(start, this.i);
  }

  quoted(): string {
    this.i++; // opening quote
    let out = '';
    while (!this.done) {
      const c = this.s[this.i++] ?? '';
      if (c === '"') return out;
      if (c === '\\' && !this.done) out += this.s[this.i++] ?? '';
      else out += c;
    }
    return out;
  }

  /** Whether what follows is `name =`, i.e. a parameter rather than a new challenge. */
  atParam(): boolean {
    const save = this.i;
    this.skipSpace();
    const name = this.token();
    this.skipSpace();
    let is = name !== '' && this.peek() === '=';
    if (is) {
      // "name=" then "=", "," or the end is token68 padding ("abc=="), not a parameter.
      this.i++;
      const next = this.peek();
      is = next !== '=' && next !== ',' && next !== '';
    }
    this.i = save;
    return is;
  }
}

export function parseChallenges(headers: readonly string[]): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  for (const header of headers) {
    const sc = new Scanner(header);
    let current: AuthChallenge | undefined;
    while (!sc.done) {
      sc.skipSpace();
      if (sc.peek() === ',') {
        sc.i++;
        continue;
      }
      if (current && sc.atParam()) {
        sc.skipSpace();
        const name = sc.token().toLowerCase();
        sc.skipSpace();
        sc.i++; // '='
        sc.skipSpace();
        current.params[name] = sc.peek() === '"' ? sc.quoted() : sc.bareValue();
        continue;
      }
      const scheme = sc.token();
      if (scheme === '') {
        sc.i++; // not a token character: skip it rather than loop forever
        continue;
      }
      current = { scheme: scheme.toLowerCase(), params: {} };
      out.push(current);
      sc.skipSpace();
      // token68 form ("Negotiate abc=="): a value that is not a name=value pair.
      if (!sc.done && sc.peek() !== ',' && !sc.atParam()) sc.bareValue();
    }
  }
  return out;
}
