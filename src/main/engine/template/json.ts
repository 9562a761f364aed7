// Explains why a rendered body is not JSON, with line, column and an excerpt (the locating
// is shared with the sources and the renderer: src/shared/json-locate.ts).
import { excerptAt, lineColumnAt, locateJsonError } from '../../../shared/json-locate.js';

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
