// Request signing (destination.signing): an HMAC over the exact bytes a request sends, in one
// header, as webhook receivers verify it (Segment's X-Signature, GitHub's X-Hub-Signature-256,
// Stripe, Slack). Pure: node:crypto only. The planner signs every request it plans (so the
// preview shows the header); a sender signs again before each attempt when the signature
// depends on the time ({timestamp}), so a retry carries a fresh timestamp.
import { createHmac } from 'node:crypto';
import type { SigningConfig } from '../../shared/config.js';
import type { HttpRequestSpec } from './types.js';

export interface Signer {
  /** Whether a signature depends on when it is made (payload or prefix holds {timestamp}). */
  readonly timed: boolean;
  /** The header names it sets (the signature's, then the timestamp's when configured). */
  readonly headers: string[];
  /** A copy of `req` with the signature (and timestamp) headers set for the time `nowMs`. */
  sign<T extends HttpRequestSpec>(req: T, nowMs: number): T;
  /** One line for a preview: what is signed and when. */
  describe(nowMs: number): string;
}

const PLACEHOLDER = /\{(body|timestamp|method|path)\}/g;

export function createSigner(cfg: SigningConfig): Signer {
  const prefix = cfg.prefix ?? '';
  const timed = cfg.payload.includes('{timestamp}') || prefix.includes('{timestamp}');
  const headers = [cfg.header, ...(cfg.timestampHeader ? [cfg.timestampHeader] : [])];
  return {
    timed,
    headers,
    sign(req, nowMs) {
      const timestamp = String(Math.floor(nowMs / 1000));
      const parts: Record<string, string> = { body: req.body ?? '', timestamp, method: req.method.toUpperCase(), path: pathOf(req.url) };
      // One pass over the pattern (never over the body): a body holding "{timestamp}" stays as sent.
      const hmac = createHmac(cfg.algorithm, cfg.secret);
      let last = 0;
      for (const m of cfg.payload.matchAll(PLACEHOLDER)) {
        hmac.update(cfg.payload.slice(last, m.index), 'utf8');
        hmac.update(parts[m[1]!]!, 'utf8');
        last = m.index + m[0].length;
      }
      hmac.update(cfg.payload.slice(last), 'utf8');
      const signature = prefix.replaceAll('{timestamp}', timestamp) + hmac.digest(cfg.encoding);
      const out: Record<string, string> = {};
      const mine = new Set(headers.map((h) => h.toLowerCase()));
      for (const [name, value] of Object.entries(req.headers)) if (!mine.has(name.toLowerCase())) out[name] = value;
      out[cfg.header] = signature;
      if (cfg.timestampHeader) out[cfg.timestampHeader] = timestamp;
      return { ...req, headers: out };
    },
    describe(nowMs) {
      const what = `${cfg.header}: HMAC-${cfg.algorithm.toUpperCase()} (${cfg.encoding}) of ${cfg.payload} with destination.signing.secret`;
      if (!timed) return `${what}; the same bytes sign the same way when sent`;
      return `${what}, signed for this preview's time (${new Date(nowMs).toISOString()}, timestamp ${Math.floor(nowMs / 1000)}): a run signs each attempt as it sends it, so its timestamp and signature differ`;
    },
  };
}

/** The path and query as the client sends them (http.ts: `url.pathname + url.search`). */
function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}
