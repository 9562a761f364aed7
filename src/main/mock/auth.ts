// Authentication for the mock: the OAuth2 client-credentials token endpoint
// (RFC 6749 §4.4, client auth per §2.3.1) and the check on protected /api routes.

import type { IncomingHttpHeaders } from 'node:http';
import type { TokenStore } from './tokens.js';
import type { MockResponse } from './respond.js';
import { json } from './respond.js';

export interface AuthSettings {
  clientId: string;
  clientSecret: string;
  requireAuth: boolean;
  apiKey: string;
  tokens: TokenStore;
  /** Current token lifetime (a scenario may shorten it). */
  tokenTtlSeconds(): number;
}

const NO_STORE = { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' };

function oauthError(status: number, error: string, description: string, extra?: Record<string, string>): MockResponse {
  return {
    status,
    headers: { ...NO_STORE, ...extra },
    body: JSON.stringify({ error, error_description: description }),
  };
}

/** Form-urlencoded decoding as RFC 6749 §2.3.1 requires for Basic credentials. */
function formDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function parseBasic(header: string | undefined): { id: string; secret: string } | null | undefined {
  if (!header) return undefined;
  const m = /^basic\s+(\S+)\s*$/i.exec(header);
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  return id === undefined || secret === undefined ? null : { id, secret };
}

/** POST /oauth/token */
export function handleToken(headers: IncomingHttpHeaders, body: string, s: AuthSettings): MockResponse {
  const type = headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return oauthError(400, 'invalid_request', `the token request body must be application/x-www-form-urlencoded, got ${type || 'no content-type'}`);
  }
  const form = new URLSearchParams(body);
  const basic = parseBasic(headers.authorization);
  const bodySecret = form.get('client_secret');
  if (basic !== undefined && bodySecret !== null) {
    return oauthError(400, 'invalid_request', 'use one client authentication method: HTTP Basic or client_secret in the body, not both');
  }
  let id: string | null;
  let secret: string | null;
  if (basic !== undefined) {
    id = basic?.id ?? null;
    secret = basic?.secret ?? null;
  } else {
    id = form.get('client_id');
    secret = bodySecret;
  }
  const challenge = basic !== undefined ? { 'www-authenticate': 'Basic realm="outbound-mock"' } : undefined;
  if (id === null || secret === null) {
    return oauthError(401, 'invalid_client', 'no client credentials: send HTTP Basic or client_id and client_secret form fields', challenge);
  }
  if (id !== s.clientId || secret !== s.clientSecret) {
    return oauthError(401, 'invalid_client', 'unknown client or wrong client secret', challenge);
  }
  const grant = form.get('grant_type');
  if (grant === null) return oauthError(400, 'invalid_request', 'grant_type is required');
  if (grant !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', `grant_type ${grant} is not supported; use client_credentials`);
  }
  const scope = form.get('scope') ?? undefined;
  const audience = form.get('audience') ?? undefined;
  const ttl = s.tokenTtlSeconds();
  const t = s.tokens.issue(ttl, scope, audience);
  const answer: Record<string, unknown> = {
    access_token: t.token,
    token_type: 'Bearer',
    expires_in: Math.max(1, Math.ceil(ttl)),
  };
  if (scope !== undefined) answer.scope = scope;
  return { status: 200, headers: NO_STORE, body: JSON.stringify(answer) };
}

export const INVALID_TOKEN: MockResponse = {
  status: 401,
  headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="outbound-mock", error="invalid_token"' },
  body: json({ error: 'invalid_token' }),
};

/** True when a protected request may proceed. */
export function isAuthorized(headers: IncomingHttpHeaders, s: AuthSettings): boolean {
  if (!s.requireAuth) return true;
  if (headers['x-api-key'] === s.apiKey) return true;
  const auth = headers.authorization;
  if (!auth || auth.length < 8) return false;
  // Scheme names are case-insensitive (RFC 7235 §2.1).
  if (auth.slice(0, 7).toLowerCase() !== 'bearer ') return false;
  return s.tokens.isValid(auth.slice(7).trim());
}
