// Where a JSON text is broken, for messages with a line, a column and an excerpt. Runs only
// after JSON.parse failed: V8 gives a position for some errors and none for others ("Unexpected
// token '}', ... is not valid JSON"). Pure, so the engine, the sources and the renderer share it.

export interface JsonErrorFound {
  /** 0-based offset of the first error. */
  pos: number;
  reason: string;
}

class Stop {
  constructor(readonly found: JsonErrorFound) {}
}

function describe(text: string, pos: number): string {
  if (pos >= text.length) return 'unexpected end of input';
  const c = text[pos]!;
  const code = c.charCodeAt(0);
  return code < 0x20 ? `unexpected control character U+${code.toString(16).padStart(4, '0').toUpperCase()}` : `unexpected ${JSON.stringify(c)}`;
}

/** First error position in `text` judged as JSON, or null when it is valid. */
export function locateJsonError(text: string): JsonErrorFound | null {
  let i = 0;
  const fail = (reason?: string, at = i): never => {
    throw new Stop({ pos: at, reason: reason ?? describe(text, at) });
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const str = (): void => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 0x20) fail(`control character U+${c.toString(16).padStart(4, '0').toUpperCase()} must be escaped inside a string`);
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape in string');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`bad escape "\\${e ?? ''}" in string`);
      } else i++;
    }
    fail('unterminated string');
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === '}' ? 'trailing comma before "}"' : `expected a property name in double quotes, found ${describe(text, i).replace('unexpected ', '')}`);
        str();
        ws();
        if (text[i] !== ':') fail(`expected ":" after the property name, found ${describe(text, i).replace('unexpected ', '')}`);
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected "," or "}" after a property value, found ${describe(text, i).replace('unexpected ', '')}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] === ']') fail('trailing comma before "]"');
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected "," or "]" after an array element, found ${describe(text, i).replace('unexpected ', '')}`);
      }
    }
    if (c === '"') return str();
    const num = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (num && num[0] !== '' && num[0] !== '-') {
      i += num[0].length;
      return;
    }
    const word = c === 't' ? 'true' : c === 'f' ? 'false' : c === 'n' ? 'null' : null;
    if (word && text.startsWith(word, i)) {
      i += word.length;
      return;
    }
    if (word) {
      let k = 0;
      while (k < word.length && text[i + k] === word[k]) k++;
      if (k > 1) fail(`"${word.slice(0, k)}" is not a value (did you mean ${word}?)`);
    }
    fail(c === undefined ? 'expected a value, found the end of input' : `expected a value, found ${describe(text, i).replace('unexpected ', '')}`);
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describe(text, i).replace('unexpected ', '')} after the end of the JSON value`);
    return null;
  } catch (e) {
    if (e instanceof Stop) return e.found;
    throw e;
  }
}

/** A one-line excerpt around `pos`, with a marker at the position. */
export function excerptAt(text: string, pos: number, radius = 30): string {
  const from = Math.max(0, pos - radius);
  const to = Math.min(text.length, pos + radius);
  const clean = (s: string): string => s.replace(/[\r\n\t]/g, ' ');
  return (from > 0 ? '…' : '') + clean(text.slice(from, pos)) + '⟨here⟩' + clean(text.slice(pos, to)) + (to < text.length ? '…' : '');
}

/** 1-based line and column of a 0-based offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
