// Where did JSON.parse fail? V8 gives a position for most errors but not for
// "Unexpected token 'x', ... is not valid JSON"; for those a small validator finds it.

export interface JsonErrorDetail {
  /** 0-based character offset into the parsed text, when known. */
  offset: number | undefined;
  /** The parser's reason without V8's position suffix or echo of the input. */
  reason: string;
}

const POSITION_RE = / in JSON at position (\d+)(?: \(line \d+ column \d+\))?$/;

export function jsonErrorDetail(text: string, err: unknown): JsonErrorDetail {
  const message = err instanceof Error ? err.message : String(err);
  const m = POSITION_RE.exec(message);
  if (m) return { offset: Number(m[1]), reason: message.slice(0, m.index) };
  if (message.startsWith('Unexpected end of JSON input')) {
    return { offset: text.length, reason: 'Unexpected end of JSON input' };
  }
  // "Unexpected token 'x', "<echo of the input>" is not valid JSON": drop the echo.
  const reason = printable(message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, ''));
  const offset = findJsonErrorOffset(text);
  return { offset: offset < 0 ? undefined : offset, reason };
}

/** V8 quotes the offending character raw; a newline or tab would break a one-line message. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** Offset of the first syntax error in `text`, or -1 when none is found. Error path only. */
export function findJsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (at: number): never => {
    throw new LocatedError(at);
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++) {
      if (text[i] !== word[k]) fail(i);
      i++;
    }
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail(i);
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 0x20) fail(i);
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail(i);
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(i);
      } else i++;
    }
  };
  const number = (): void => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0].length === 0) fail(i);
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(i);
        string();
        ws();
        if (text[i] !== ':') fail(i);
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail(i);
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail(i);
      }
    } else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) number();
    else fail(i);
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (err) {
    if (err instanceof LocatedError) return err.offset;
    return -1; // e.g. nesting deep enough to overflow the stack
  }
}

class LocatedError {
  constructor(readonly offset: number) {}
}
