// The relay (Hoppscotch's contract): one `execute(request)` that never throws and returns
// either the response (status, headers, capped body, timings) or a tagged error. One undici
// dispatcher per client (dispatcher.ts: an Agent, or a proxy agent over one) gives keep-alive
// pooling. Requests go through `dispatch` with a small
// handler object rather than `request()`: no Readable stream per response, and the body cap
// is applied chunk by chunk as bytes arrive. Once more than the cap has arrived the client
// hangs up (the answer is settled as truncated and its connection destroyed, never reused):
// reading a 10 GB answer to throw it away would only cost the wire.
import type { Dispatcher } from 'undici';
import { createDispatcher, type NetworkSettings } from './dispatcher.js';
import type { HttpRequestSpec, HttpResult, HttpErrorKind, Timings } from './types.js';

export interface HttpClientOptions {
  /** Connections per origin. Pass the export's concurrency; undefined ⇒ one per in-flight request. */
  connections?: number;
  /** Response bytes kept; past this the client stops reading and hangs up. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Whole exchange (connect + headers + body), in ms. */
  timeoutMs: number;
  /** Proxy and TLS settings of the destination (app/network.ts); absent ⇒ direct, default TLS. */
  network?: NetworkSettings;
}

export interface HttpClient {
  execute(req: HttpRequestSpec, signal?: AbortSignal): Promise<HttpResult>;
  /** The answer cap in bytes: a longer answer comes back `truncated`, cut here. */
  readonly maxBodyBytes: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

type Method = Dispatcher.DispatchOptions['method'];
type Controller = Dispatcher.DispatchController;
type RawHeaders = Record<string, string | string[] | undefined>;

/** Why we cancelled an exchange ourselves; passed to undici so the socket is torn down. */
class Cancelled extends Error {
  constructor(readonly kind: 'timeout' | 'abort' | 'cap') {
    super(kind);
  }
}

/** One request/response exchange: receives undici's callbacks, settles exactly once. */
class Exchange implements Dispatcher.DispatchHandler {
  private controller: Controller | null = null;
  private cancelled: Cancelled | null = null;
  private settled = false;
  private status = 0;
  private headers: RawHeaders = {};
  private chunks: Buffer[] = [];
  private kept = 0;
  private bodyBytes = 0;
  private ttfb = -1;

  constructor(
    private readonly req: HttpRequestSpec,
    private readonly url: URL,
    private readonly start: number,
    private readonly maxBodyBytes: number,
    private readonly timeoutMs: number,
    private readonly proxyPorts: ReadonlySet<string>,
    private readonly resolve: (r: HttpResult) => void,
  ) {}

  onRequestStart(controller: Controller): void {
    // Cancelled while queued for a connection: never send.
    if (this.cancelled) controller.abort(this.cancelled);
    else this.controller = controller;
  }

  onResponseStart(_c: Controller, statusCode: number, headers: RawHeaders): void {
    if (statusCode < 200) return; // 100-continue and other informational answers
    this.status = statusCode;
    this.headers = headers;
    this.ttfb = performance.now() - this.start;
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.settled) return;
    this.bodyBytes += chunk.length;
    const room = this.maxBodyBytes - this.kept;
    if (chunk.length <= room) {
      this.chunks.push(chunk);
      this.kept += chunk.length;
      return;
    }
    if (room > 0) {
      this.chunks.push(chunk.subarray(0, room));
      this.kept += room;
    }
    // More than the cap has arrived: settle with what is kept (bodyBytes = bytes read), then
    // abort, which makes undici destroy the socket: a half-read answer never poisons the pool.
    this.onResponseEnd();
    this.cancelled = new Cancelled('cap');
    controller.abort(this.cancelled);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    const { chunks, kept, bodyBytes } = this;
    const truncated = bodyBytes > kept;
    const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, kept);
    const headers = flattenHeaders(this.headers);
    this.settle({
      ok: true,
      status: this.status,
      headers,
      body: decodeBody(buf, headers['content-type'], bodyBytes, truncated),
      bodyBytes,
      truncated,
      timings: this.timings(),
    });
  }

  onResponseError(_c: Controller | null, err: Error): void {
    if (this.settled) return;
    const { kind, message } = classifyError(err, this.url, this.proxyPorts);
    this.settle({ ok: false, kind, message, timings: this.timings() });
  }

  /** Timer or caller's signal: settle now, then tear the exchange down. */
  cancel(kind: 'timeout' | 'abort'): void {
    if (this.settled) return;
    const { req } = this;
    const message =
      kind === 'timeout'
        ? `${req.method} ${req.url} timed out after ${this.timeoutMs} ms (${this.ttfb < 0 ? 'no response' : 'the response body did not finish'})`
        : `request to ${req.url} aborted`;
    this.settle({ ok: false, kind, message, timings: this.timings() });
    this.cancelled = new Cancelled(kind);
    this.controller?.abort(this.cancelled);
  }

  private timings(): Timings {
    const total = performance.now() - this.start;
    return { ttfb: this.ttfb < 0 ? total : this.ttfb, total };
  }

  private settle(r: HttpResult): void {
    this.settled = true;
    this.chunks = [];
    this.resolve(r);
  }
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const timeoutMs = opts.timeoutMs;
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const agent = createDispatcher({ connections: opts.connections ?? null, timeoutMs }, opts.network);
  const proxyPorts = proxyPortsOf(opts.network);

  const execute = (req: HttpRequestSpec, signal?: AbortSignal): Promise<HttpResult> => {
    const start = performance.now();
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return Promise.resolve(fail('protocol', `invalid URL "${req.url}"`, start));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.resolve(fail('protocol', `unsupported URL scheme "${url.protocol}" in ${req.url} (use http or https)`, start));
    }
    if (signal?.aborted) return Promise.resolve(fail('abort', `request to ${req.url} aborted before it was sent`, start));

    return new Promise<HttpResult>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => exchange.cancel('abort');
      const exchange = new Exchange(req, url, start, maxBodyBytes, timeoutMs, proxyPorts, (r) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(r);
      });
      timer = setTimeout(() => exchange.cancel('timeout'), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        agent.dispatch(
          {
            origin: url.origin,
            path: url.pathname + url.search,
            method: req.method as Method,
            headers: req.headers,
            body: req.body ?? null,
          },
          exchange,
        );
      } catch (err) {
        // undici reports most refusals through onResponseError; this keeps the "never throws" promise.
        exchange.onResponseError(null, err instanceof Error ? err : new Error(String(err)));
      }
    });
  };

  return {
    execute,
    maxBodyBytes,
    close: () => agent.close(),
  };
}

function fail(kind: HttpErrorKind, message: string, start: number): HttpResult {
  const total = performance.now() - start;
  return { ok: false, kind, message, timings: { ttfb: total, total } };
}

/** undici gives lowercased names; duplicates (e.g. set-cookie) arrive as arrays. */
function flattenHeaders(raw: RawHeaders): Record<string, string> {
  const out = raw as Record<string, string>;
  for (const name in raw) {
    const v = raw[name];
    if (Array.isArray(v)) out[name] = v.join(', ');
    else if (v === undefined) delete out[name];
  }
  return out;
}

const BINARY_TYPE = /^\s*(image|audio|video|font)\/|^\s*application\/(octet-stream|pdf|zip|gzip|x-gzip|x-tar|x-protobuf|protobuf|vnd\.ms-excel|msword|x-7z-compressed)\b/i;

function decodeBody(buf: Buffer, contentType: string | undefined, bodyBytes: number, truncated: boolean): string {
  if (bodyBytes === 0) return '';
  if ((contentType !== undefined && BINARY_TYPE.test(contentType)) || buf.includes(0)) {
    return `<binary, ${bodyBytes} bytes>`;
  }
  // A cap can cut a multi-byte character in half: drop the partial tail rather than show U+FFFD.
  const end = truncated ? utf8Boundary(buf) : buf.length;
  return buf.toString('utf8', 0, end);
}

/** Length of `buf` without a trailing incomplete UTF-8 sequence. */
function utf8Boundary(buf: Buffer): number {
  let i = buf.length - 1;
  let back = 0;
  while (i >= 0 && back < 4 && (buf[i]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return buf.length;
  const lead = buf[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > back + 1 ? i : buf.length;
}

interface ErrorLike {
  code?: string;
  message?: string;
  cause?: unknown;
  errors?: unknown[];
}

/** The first error code found on the error, its cause, or (happy eyeballs) its sub-errors. */
function errorCode(err: unknown, depth = 0): string | undefined {
  if (err === null || typeof err !== 'object' || depth > 3) return undefined;
  const e = err as ErrorLike;
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  return errorCode(e.cause, depth + 1) ?? (Array.isArray(e.errors) ? errorCode(e.errors[0], depth + 1) : undefined);
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error && err.cause.message !== err.message ? `: ${err.cause.message}` : '';
    return (err.message || err.name) + cause;
  }
  return String(err);
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

const CLIENT_CERT_HINT = ': a server that requires a client certificate (mutual TLS) does this when none or a wrong one is sent; set destination.network.clientCert and clientKey';
const UNTRUSTED = /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE)$/;

/** What to do about a failed handshake, when the code says it. */
function tlsHint(code: string): string {
  if (UNTRUSTED.test(code)) {
    return ": the server's certificate is not signed by a CA this machine trusts; add its CA with destination.network.ca (a PEM file; or NODE_EXTRA_CA_CERTS for every destination), or, for a staging server only, destination.network.insecureSkipVerify: true";
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return ': the certificate is not issued for this host name';
  if (code === 'CERT_HAS_EXPIRED') return ": the server's certificate has expired";
  if (/ALERT_(CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|ACCESS_DENIED)$/.test(code)) return CLIENT_CERT_HINT;
  return '';
}

const NO_PORTS: ReadonlySet<string> = new Set();

/** The ports of the proxies `network` may send through. */
function proxyPortsOf(network: NetworkSettings | undefined): ReadonlySet<string> {
  const ports = new Set<string>();
  for (const proxy of [network?.httpProxy, network?.httpsProxy]) {
    if (!proxy) continue;
    try {
      const u = new URL(proxy);
      ports.add(u.port || (u.protocol === 'https:' ? '443' : '80'));
    } catch {
      // refused when the config was loaded
    }
  }
  return ports;
}

/** Where a failed connect was going (Node puts address/hostname and port on the error, or its cause). */
function connectTarget(err: unknown, depth = 0): { host: string; port: string } | undefined {
  if (err === null || typeof err !== 'object' || depth > 3) return undefined;
  const e = err as { address?: unknown; hostname?: unknown; port?: unknown; cause?: unknown };
  const host = typeof e.address === 'string' ? e.address : typeof e.hostname === 'string' ? e.hostname : undefined;
  if (host !== undefined && (typeof e.port === 'number' || typeof e.port === 'string')) return { host, port: String(e.port) };
  return connectTarget(e.cause, depth + 1);
}

/** The host name a failed DNS lookup was for (Node puts it on the error, or its cause). */
function unresolvedName(err: unknown, depth = 0): string | undefined {
  if (err === null || typeof err !== 'object' || depth > 3) return undefined;
  const e = err as { hostname?: unknown; cause?: unknown };
  return typeof e.hostname === 'string' ? e.hostname : unresolvedName(e.cause, depth + 1);
}

/** Bytes a failed socket had read (undici's SocketError carries them), or undefined. */
function socketBytesRead(err: unknown): number | undefined {
  const socket = (err as { socket?: { bytesRead?: unknown } } | null)?.socket;
  return typeof socket?.bytesRead === 'number' ? socket.bytesRead : undefined;
}

/**
 * `proxyPorts`: the ports of the client's proxies. A connect error at one of them, on another
 * port than the target's, came from the proxy (a direct connection uses the target's port):
 * the message then names the proxy, not the endpoint it did not reach.
 */
export function classifyError(err: unknown, url: URL, proxyPorts: ReadonlySet<string> = NO_PORTS): { kind: HttpErrorKind; message: string } {
  const code = errorCode(err) ?? (err instanceof Error && err.name === 'HTTPParserError' ? 'HPE_INVALID' : 'UNKNOWN');
  const msg = errorMessage(err);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const at = connectTarget(err);
  if (at && at.port !== port && proxyPorts.has(at.port)) {
    const proxy = `${at.host}:${at.port}`;
    if (code.startsWith('E') && code !== 'EPROTO') {
      const what = code === 'ECONNREFUSED' ? 'refused the connection' : code === 'ENOTFOUND' || code.startsWith('EAI_') ? 'cannot be resolved' : 'cannot be reached';
      return { kind: 'network', message: `the proxy ${proxy} ${what} (${code}) on the way to ${url.hostname}:${port}` };
    }
  }
  const where = `${url.hostname}:${port}`;

  if (TLS_CODE.test(code) || (code === 'EPROTO' && /ssl|tls/i.test(msg))) {
    // OpenSSL messages carry a file:line trail; keep only the reason ("wrong version number").
    const reason = /SSL routines:[^:]*:([^:]+)/.exec(msg)?.[1] ?? msg.trim();
    return { kind: 'tls', message: `TLS handshake with ${where} failed: ${reason} (${code})${tlsHint(code)}` };
  }
  const proxied = /^Proxy response \((\d+)\) !== 200/.exec(msg);
  if (proxied) {
    // undici reports a refused CONNECT as an abort: it is the proxy saying no, not a cancel.
    const status = Number(proxied[1]);
    const why = status === 407 ? ': the proxy wants credentials (http://user:password@host:port in the proxy URL)' : '';
    return { kind: 'network', message: `the proxy refused to open a tunnel to ${where}: HTTP ${status}${why}` };
  }
  if (code === 'UND_ERR_SOCKET' && url.protocol === 'https:' && socketBytesRead(err) === 0) {
    // TLS 1.3 finishes the client's handshake before the server checks the client certificate;
    // a rejection then arrives as a bare close that undici reports without the alert.
    return {
      kind: 'network',
      message: `connection closed by ${where} right after the TLS handshake, before any answer (UND_ERR_SOCKET)${CLIENT_CERT_HINT}`,
    };
  }
  if (code.startsWith('HPE_')) {
    return { kind: 'protocol', message: `malformed HTTP response from ${where}: ${msg} (${code})` };
  }
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'network', message: `connection refused by ${where} (ECONNREFUSED)` };
    case 'ECONNRESET':
      return { kind: 'network', message: `connection reset by ${where} (ECONNRESET)` };
    case 'EPIPE':
      return { kind: 'network', message: `connection to ${where} broke while sending (EPIPE)` };
    case 'UND_ERR_SOCKET':
      return { kind: 'network', message: `connection closed by ${where} before the response was complete (UND_ERR_SOCKET: ${msg})` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME': {
      // The name that did not resolve may be the proxy's.
      const name = unresolvedName(err);
      if (name !== undefined && name.toLowerCase() !== url.hostname.toLowerCase()) {
        return { kind: 'network', message: `cannot resolve host ${name} (${code}), the proxy on the way to ${where}` };
      }
      return { kind: 'network', message: `cannot resolve host ${url.hostname} (${code})` };
    }
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
    case 'EADDRNOTAVAIL':
      return { kind: 'network', message: `cannot reach ${where} (${code})` };
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return { kind: 'timeout', message: `${where} timed out: ${msg} (${code})` };
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_HEADERS_OVERFLOW':
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return { kind: 'protocol', message: `malformed HTTP response from ${where}: ${msg} (${code})` };
    case 'UND_ERR_INVALID_ARG':
    case 'UND_ERR_NOT_SUPPORTED':
      return { kind: 'protocol', message: `request to ${where} not sent: ${msg} (${code})` };
    case 'UND_ERR_ABORTED':
    case 'UND_ERR_ABORT':
    case 'ABORT_ERR':
      return { kind: 'abort', message: `request to ${where} aborted` };
    default:
      return { kind: 'network', message: `network error talking to ${where}: ${msg} (${code})` };
  }
}
