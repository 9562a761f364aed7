// OAuth2 client credentials (RFC 6749 §4.4). One token per export, shared by every request:
// fetched once for concurrent callers, cached until shortly before it expires, and dropped
// when the API answers 401 (expiry judged by the clock alone is not enough).
import type { OAuthConfig } from '../../shared/config.js';
import type { HttpClient } from './http.js';
import { createRedactor, formEncode, maskToken, type Redactor } from './redact.js';
import { sendWithRetry, type RetryDelayOptions } from './retry.js';
import type { HttpRequestSpec, Timings } from './types.js';

export type TokenErrorKind = 'unreachable' | 'http' | 'not-json' | 'no-access-token' | 'timeout';

/** What went over the wire when the exchange failed (masked like a TokenExchange): no response when none came. */
export interface FailedTokenExchange {
  request: TokenExchange['request'];
  response?: TokenExchange['response'];
}

export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    readonly kind: TokenErrorKind,
    message: string,
    readonly tokenUrl: string,
    readonly status?: number,
    /** The request sent and the answer (whole body, masked), so a tester can show a failure as it happened. */
    readonly exchange?: FailedTokenExchange,
  ) {
    super(message);
  }
}

export interface TokenExchange {
  /** The request as sent, secrets masked. */
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  /** The answer, access/refresh/id tokens masked. */
  response: { status: number; headers: Record<string, string>; body: string };
  token: {
    tokenType: string;
    expiresIn?: number;
    scope?: string;
    /** ms since the epoch. */
    obtainedAt: number;
    expiresAt?: number;
    accessTokenMasked: string;
    /** Decoded payload when the token is a JWT (not verified). */
    jwtClaims?: Record<string, unknown>;
  };
  timings: Timings;
}

/** The exchange plus the token itself, which only the provider keeps. */
interface FetchedToken {
  exchange: TokenExchange;
  accessToken: string;
}

const BODY_EXCERPT = 500;

/** Builds the token request: form body, Basic (encoded or raw) or body client authentication (RFC 6749 §2.3.1). */
export function buildTokenRequest(cfg: OAuthConfig): HttpRequestSpec {
  const form = new URLSearchParams();
  form.set('grant_type', 'client_credentials');
  if (cfg.scope) form.set('scope', cfg.scope);
  if (cfg.audience) form.set('audience', cfg.audience);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (cfg.clientAuth === 'body') {
    form.set('client_id', cfg.clientId);
    form.set('client_secret', cfg.clientSecret);
  } else {
    // §2.3.1: id and secret are form-encoded before being joined and base64-encoded; many
    // servers compare them as written instead, which `basic-raw` sends.
    const credentials = cfg.clientAuth === 'basic-raw' ? `${cfg.clientId}:${cfg.clientSecret}` : `${formEncode(cfg.clientId)}:${formEncode(cfg.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
  }
  return { method: 'POST', url: cfg.tokenUrl, headers, body: form.toString() };
}

function redactorFor(cfg: OAuthConfig, req: HttpRequestSpec): Redactor {
  const r = createRedactor([cfg.clientSecret]);
  const auth = req.headers.authorization;
  if (auth) r.add(auth.slice('Basic '.length));
  return r;
}

function excerpt(s: string): string {
  const flat = s.trim();
  return flat.length > BODY_EXCERPT ? `${flat.slice(0, BODY_EXCERPT)}…` : flat;
}

/** Decodes a JWT's payload without verifying it; undefined when the token is not a JWT. */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function maskTokensInBody(body: string, tokens: Array<unknown>): string {
  let out = body;
  for (const t of tokens) {
    if (typeof t === 'string' && t.length > 0) out = out.split(t).join(maskToken(t));
  }
  return out;
}

/** How a provider retries a token endpoint that answers 429/5xx or fails to connect. */
export interface TokenRetry {
  maxAttempts: number;
  delay?: RetryDelayOptions;
}

async function fetchToken(cfg: OAuthConfig, client: HttpClient, now: () => number, retry?: TokenRetry): Promise<FetchedToken> {
  const req = buildTokenRequest(cfg);
  const redact = redactorFor(cfg, req);
  const url = cfg.tokenUrl;
  const requestShown = { method: req.method, url: req.url, headers: redact.headers(req.headers), body: redact.text(req.body ?? '') };
  // A token endpoint has bad moments like any other: retried as requests are (a 4xx is final).
  const { result } = await sendWithRetry(client, req, {
    maxAttempts: retry?.maxAttempts ?? 1,
    retryOnErrors: (retry?.maxAttempts ?? 1) > 1,
    ...(retry?.delay ? { delay: retry.delay } : {}),
  });

  if (!result.ok) {
    if (result.kind === 'timeout') {
      throw new TokenError('timeout', `token endpoint ${url} did not answer in time: ${redact.text(result.message)}`, url, undefined, { request: requestShown });
    }
    throw new TokenError('unreachable', `token endpoint ${url} is unreachable: ${redact.text(result.message)}`, url, undefined, { request: requestShown });
  }
  const bodyShown = excerpt(redact.text(result.body));
  // A failed answer is shown whole (a token in it masked all the same): the tester's user needs the endpoint's own words.
  const failed = (): FailedTokenExchange => {
    const o = parsedObject(result.body);
    const body = redact.text(o ? maskTokensInBody(result.body, [o.access_token, o.refresh_token, o.id_token]) : result.body);
    return { request: requestShown, response: { status: result.status, headers: result.headers, body } };
  };
  if (result.status < 200 || result.status > 299) {
    const hint = encodingHint(cfg, result.status, result.body);
    throw new TokenError('http', `token endpoint ${url} answered ${result.status}: ${bodyShown}${hint}`, url, result.status, failed());
  }
  let json: unknown;
  try {
    json = JSON.parse(result.body);
  } catch {
    const ct = result.headers['content-type'] ?? 'no content-type';
    throw new TokenError(
      'not-json',
      `token endpoint ${url} answered ${result.status} with a body that is not JSON (${ct}): ${bodyShown}`,
      url,
      result.status,
      failed(),
    );
  }
  const obj = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const accessToken = obj.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new TokenError(
      'no-access-token',
      `token endpoint ${url} answered ${result.status} without an access_token: ${bodyShown}`,
      url,
      result.status,
      failed(),
    );
  }

  const obtainedAt = now();
  const rawExpires = typeof obj.expires_in === 'string' ? Number(obj.expires_in) : obj.expires_in;
  const expiresIn = typeof rawExpires === 'number' && Number.isFinite(rawExpires) && rawExpires > 0 ? rawExpires : undefined;
  const responseBody = redact.text(maskTokensInBody(result.body, [accessToken, obj.refresh_token, obj.id_token]));
  const exchange: TokenExchange = {
    request: requestShown,
    response: { status: result.status, headers: result.headers, body: responseBody },
    token: {
      tokenType: typeof obj.token_type === 'string' ? obj.token_type : 'Bearer',
      ...(expiresIn !== undefined ? { expiresIn, expiresAt: obtainedAt + expiresIn * 1000 } : {}),
      ...(typeof obj.scope === 'string' ? { scope: obj.scope } : {}),
      obtainedAt,
      accessTokenMasked: maskToken(accessToken),
      ...withClaims(decodeJwtClaims(accessToken)),
    },
    timings: result.timings,
  };
  return { exchange, accessToken };
}

/**
 * Why a refused Basic exchange may be the encoding's fault: the client was refused (401, or
 * `invalid_client`) and §2.3.1's form-encoding changed the id or the secret (`!`, `+`, a
 * space…), which a server comparing them raw reads as wrong credentials. Names the field,
 * never its characters.
 */
function encodingHint(cfg: OAuthConfig, status: number, body: string): string {
  if (cfg.clientAuth !== 'basic') return '';
  if (status !== 401 && parsedObject(body)?.error !== 'invalid_client') return '';
  const changed = [cfg.clientId !== formEncode(cfg.clientId) ? 'client id' : '', cfg.clientSecret !== formEncode(cfg.clientSecret) ? 'client secret' : ''].filter(Boolean);
  if (changed.length === 0) return '';
  return ` (the ${changed.join(' and ')} ${changed.length > 1 ? 'hold' : 'holds'} characters that HTTP Basic form-encodes first, as RFC 6749 §2.3.1 asks; many servers compare credentials as written: try clientAuth "basic-raw")`;
}

function parsedObject(body: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function withClaims(claims: Record<string, unknown> | undefined): { jwtClaims?: Record<string, unknown> } {
  return claims ? { jwtClaims: claims } : {};
}

/** One exchange for `outbound oauth` and the studio's tester; throws a TokenError. */
export async function fetchTokenOnce(cfg: OAuthConfig, client: HttpClient, opts: { now?: () => number } = {}): Promise<TokenExchange> {
  return (await fetchToken(cfg, client, opts.now ?? Date.now)).exchange;
}

export interface TokenProviderOptions {
  /** Refresh this long before expiry. Default 60 s. */
  skewMs?: number;
  /** ms since the epoch. */
  now?: () => number;
  onExchange?: (ex: TokenExchange) => void;
  /** Retry transient token endpoint failures (default: one attempt). */
  retry?: TokenRetry;
}

export interface TokenProvider {
  getToken(): Promise<string>;
  /** Drops the cached token if it is still `token` (many concurrent 401s ⇒ one refetch). */
  invalidate(token: string): void;
  lastExchange?: TokenExchange;
}

export const DEFAULT_TOKEN_SKEW_MS = 60_000;

export function createTokenProvider(cfg: OAuthConfig, client: HttpClient, opts: TokenProviderOptions = {}): TokenProvider {
  const skewMs = opts.skewMs ?? DEFAULT_TOKEN_SKEW_MS;
  const now = opts.now ?? Date.now;
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  const provider: TokenProvider = {
    getToken(): Promise<string> {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
      if (inflight) return inflight;
      inflight = fetchToken(cfg, client, now, opts.retry)
        .then(({ exchange, accessToken }) => {
          const { obtainedAt, expiresAt } = exchange.token;
          // Refresh skewMs early, but never later than half-way through a short-lived token
          // (a 30 s token with a 60 s skew would otherwise be refetched on every call).
          const refreshAt =
            expiresAt === undefined ? Infinity : Math.max(expiresAt - skewMs, obtainedAt + (expiresAt - obtainedAt) / 2);
          cached = { token: accessToken, refreshAt };
          provider.lastExchange = exchange;
          opts.onExchange?.(exchange);
          return accessToken;
        })
        .finally(() => {
          inflight = undefined;
        });
      return inflight;
    },
    invalidate(token: string): void {
      if (cached?.token === token) cached = undefined;
    },
  };
  return provider;
}

/** The request with `Authorization: Bearer <token>` (any existing authorization replaced). */
export function withBearer(req: HttpRequestSpec, token: string): HttpRequestSpec {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(req.headers)) {
    if (name.toLowerCase() !== 'authorization') headers[name] = req.headers[name]!;
  }
  headers.authorization = `Bearer ${token}`;
  return { ...req, headers };
}

/**
 * `authorize`/`onUnauthorized` hooks for one sendWithRetry call: remembers the token it sent
 * so a 401 invalidates exactly that token, and the next attempt fetches (or joins) a new one.
 */
export function bearerHooks(provider: TokenProvider): {
  authorize: (req: HttpRequestSpec) => Promise<HttpRequestSpec>;
  onUnauthorized: () => Promise<boolean>;
} {
  let used: string | undefined;
  return {
    authorize: async (req) => {
      used = await provider.getToken();
      return withBearer(req, used);
    },
    onUnauthorized: async () => {
      if (used !== undefined) provider.invalidate(used);
      return true;
    },
  };
}

/** Human-readable exchange for `outbound oauth` (secrets already masked). */
export function formatTokenExchange(ex: TokenExchange): string {
  const lines: string[] = [];
  lines.push(`> ${ex.request.method} ${ex.request.url}`);
  for (const [k, v] of Object.entries(ex.request.headers)) lines.push(`> ${k}: ${v}`);
  lines.push('>', `> ${ex.request.body}`, '');
  lines.push(`< ${ex.response.status}`);
  for (const [k, v] of Object.entries(ex.response.headers)) lines.push(`< ${k}: ${v}`);
  lines.push('<', `< ${ex.response.body}`, '');
  const t = ex.token;
  lines.push(`token type:   ${t.tokenType}`);
  lines.push(`access token: ${t.accessTokenMasked}`);
  lines.push(`obtained at:  ${new Date(t.obtainedAt).toISOString()}`);
  if (t.expiresIn !== undefined && t.expiresAt !== undefined) {
    lines.push(`expires in:   ${t.expiresIn} s (at ${new Date(t.expiresAt).toISOString()})`);
  } else {
    lines.push('expires in:   not given (kept until the API answers 401)');
  }
  if (t.scope !== undefined) lines.push(`scope:        ${t.scope}`);
  if (t.jwtClaims) {
    lines.push('JWT claims (not verified):');
    for (const line of JSON.stringify(t.jwtClaims, null, 2).split('\n')) lines.push(`  ${line}`);
  }
  lines.push(`time:         ${Math.round(ex.timings.total)} ms`);
  return lines.join('\n');
}
