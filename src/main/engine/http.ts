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
import { classifyError, proxyPortsOf } from './http-errors.js';
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
