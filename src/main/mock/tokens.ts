// Issued OAuth access tokens: random opaque strings with an expiry. Expiry is checked on
// use; expired tokens are swept occasionally so a long benchmark does not grow the map.

import { randomBytes } from 'node:crypto';

export interface IssuedToken {
  token: string;
  expiresAt: number;
  scope?: string;
  audience?: string;
}

export class TokenStore {
  private tokens = new Map<string, IssuedToken>();
  issued = 0;

  issue(ttlSeconds: number, scope?: string, audience?: string): IssuedToken {
    if (this.tokens.size >= 10_000) this.sweep();
    const t: IssuedToken = { token: randomBytes(24).toString('base64url'), expiresAt: Date.now() + ttlSeconds * 1000 };
    if (scope !== undefined) t.scope = scope;
    if (audience !== undefined) t.audience = audience;
    this.tokens.set(t.token, t);
    this.issued++;
    return t;
  }

  /** True when the token was issued here, is not revoked and has not expired. */
  isValid(token: string): boolean {
    const t = this.tokens.get(token);
    if (!t) return false;
    if (t.expiresAt <= Date.now()) {
      this.tokens.delete(token);
      return false;
    }
    return true;
  }

  revokeAll(): void {
    this.tokens.clear();
  }

  get active(): number {
    this.sweep();
    return this.tokens.size;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(k);
  }
}
