// Where did JSON.parse fail? V8 gives a position for most errors but not for
// "Unexpected token 'x', ... is not valid JSON"; for those the shared locator finds it.
import { locateJsonError } from '../../shared/json-locate.js';

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
  const found = locateJsonError(text);
  // The locator's reason goes with its position (V8's may name a later character).
  return found ? { offset: found.pos, reason: found.reason } : { offset: undefined, reason };
}

/** V8 quotes the offending character raw; a newline or tab would break a one-line message. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f]/g, (c) => JSON.stringify(c).slice(1, -1));
}
