/**
 * Dockerfile-style words: whitespace separates them unless quoted; inside
 * "…" a backslash escapes `"`, `\` and `$`; inside '…' nothing is special;
 * outside quotes a backslash escapes any character. Quotes are removed.
 * (Variable expansion is not done.)
 */
export interface WordsResult {
  words: string[];
  /** each word as written, quotes and all (to tell `K=V` from `"K=V"`) */
  raw: string[];
}

function scan(s: string, split: boolean): WordsResult {
  const words: string[] = [];
  const raw: string[] = [];
  let word = '';
  let rawWord = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  const end = () => {
    if (inWord) {
      words.push(word);
      raw.push(rawWord);
    }
    word = '';
    rawWord = '';
    inWord = false;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (quote === undefined && split && /\s/.test(c)) {
      end();
      continue;
    }
    inWord = true;
    rawWord += c;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && /["\\$]/.test(s[i + 1] ?? '')) {
        word += s[++i] ?? '';
        rawWord += s[i] ?? '';
      } else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '\\' && i + 1 < s.length) {
      word += s[++i] ?? '';
      rawWord += s[i] ?? '';
    } else {
      word += c;
    }
  }
  if (quote !== undefined) throw new Error(`unterminated ${quote === '"' ? 'double' : 'single'} quote`);
  end();
  return { words, raw };
}

/** Splits on unquoted whitespace; throws a plain Error on an unterminated quote. */
export const splitWords = (s: string): WordsResult => scan(s, true);

/** Removes quotes and escapes from the whole string, whitespace kept. */
export const unquote = (s: string): string => scan(s, false).words[0] ?? '';
