// Explains why a rendered body is not JSON, with line, column and an excerpt. Only runs
// after JSON.parse failed: V8 gives a position for some errors and none for others
// ("Unexpected token '}', ... is not valid JSON"), so a small validator finds it.
import { lineColumnAt } from './templateTypes.js';

interface Found {
  pos: number;
  reason: string;
}

class Stop {
  constructor(readonly found: Found) {}
}

function describe(text: string, pos: number): string {
  if (pos >= text.length) return 'unexpected end of input';
  const c = text[pos]!;
  const code = c.charCodeAt(0);
  return code < 0x20 ? `unexpected control character U+${code.toString(16).padStart(4, '0').toUpperCase()}` : `unexpected ${JSON.stringify(c)}`;
}

/** First error position in `text` judged as JSON, or null when it is valid. */
export function locateJsonError(text: string): Found | null {
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
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
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

/** `rendered body is not valid JSON at line L, column C: reason; near: …text⟨here⟩text…`. */
export function invalidJsonMessage(text: string, parseError: unknown): string {
  const found = locateJsonError(text);
  if (found) {
    const { line, column } = lineColumnAt(text, found.pos);
    return `rendered body is not valid JSON at line ${line}, column ${column}: ${found.reason}; near: ${excerptAt(text, found.pos)}`;
  }
  // Should not happen (the validator accepts what JSON.parse rejects); use V8's own words.
  const msg = parseError instanceof Error ? parseError.message : String(parseError);
  const m = /at position (\d+)/.exec(msg);
  if (m) {
    const pos = Number(m[1]);
    const { line, column } = lineColumnAt(text, pos);
    return `rendered body is not valid JSON at line ${line}, column ${column}: ${msg.replace(/ in JSON at position.*$/, '')}`;
  }
  return `rendered body is not valid JSON: ${msg}`;
}
