// Small HTTP helpers for the mock endpoint tests (real loopback requests via fetch).

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function call(
  method: string,
  url: string,
  opts: { headers?: Record<string, string>; body?: string | object; timeoutMs?: number } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (typeof opts.body === 'string') body = opts.body;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** Fetches a token with HTTP Basic client auth and the default demo credentials. */
export async function getToken(base: string, extra = ''): Promise<string> {
  const r = await call('POST', `${base}/oauth/token`, {
    headers: { authorization: basic('outbound-demo', 'demo-secret'), 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials${extra}`,
  });
  if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${r.text}`);
  return r.json.access_token as string;
}
