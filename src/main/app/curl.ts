// A logged request as a cURL command line (POSIX shell quoting). Callers decide what the
// headers hold: masked secrets by default, the real values only when the user asks.
import type { HttpRequestSpec } from '../engine/types.js';

/** Single-quotes a word for sh: `'` becomes `'\''`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function toCurl(req: HttpRequestSpec): string {
  const parts = [`curl -sS -X ${req.method.toUpperCase()} ${shellQuote(req.url)}`];
  for (const [name, value] of Object.entries(req.headers)) {
    // curl sets these itself from the body it sends.
    if (/^(content-length|host|connection|transfer-encoding)$/i.test(name)) continue;
    parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (req.body !== undefined) parts.push(`--data-raw ${shellQuote(req.body)}`);
  return parts.join(' \\\n  ');
}
