// HAR 1.2 export of a run: one entry per attempt, as stored (secrets were redacted before
// they were written). `writeHar` streams entries to the file one by one.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import type { Store } from './db.js';
import type { RequestRow, RunRow } from './rows.js';


export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: never[];
    headers: HarNameValue[];
    queryString: HarNameValue[];
    postData?: { mimeType: string; text: string };
    headersSize: -1;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: never[];
    headers: HarNameValue[];
    content: { size: number; mimeType: string; text?: string; comment?: string };
    redirectURL: '';
    headersSize: -1;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  comment?: string;
  // Outbound's own fields (HAR allows custom fields starting with `_`).
  _requestId: string;
  _step: string;
  _attempt: number;
  _recordCount: number;
  _error?: string;
  _errorKind?: string;
  _truncated?: boolean;
  _retryDelayMs?: number;
}

export interface HarLog {
  log: {
    version: '1.2';
    creator: { name: 'Outbound'; version: string };
    comment?: string;
    entries: HarEntry[];
  };
}

export interface HarOptions {
  /** Outbound's version for `creator.version`. */
  version?: string;
}

const DEFAULT_VERSION = '0.1.0';

function nameValues(headers: Record<string, string> | null): HarNameValue[] {
  if (!headers) return [];
  return Object.entries(headers).map(([name, value]) => ({ name, value: String(value) }));
}

function headerValue(headers: Record<string, string> | null, name: string): string | undefined {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function queryString(url: string): HarNameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function nonNegative(n: number | null | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

export function harEntry(r: RequestRow, fallbackStart: number): HarEntry {
  const wait = nonNegative(r.ttfbMs ?? r.totalMs);
  const receive = Math.max(0, nonNegative(r.totalMs) - wait);
  const answered = r.status !== null;
  const requestBody = r.requestBody ?? '';
  const entry: HarEntry = {
    startedDateTime: new Date(r.startedAt ?? r.answeredAt ?? fallbackStart).toISOString(),
    time: wait + receive,
    request: {
      method: r.method,
      url: r.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: nameValues(r.requestHeaders),
      queryString: queryString(r.url),
      headersSize: -1,
      bodySize: r.requestBody === null ? 0 : Buffer.byteLength(requestBody, 'utf8'),
    },
    response: {
      status: r.status ?? 0,
      statusText: answered ? (STATUS_CODES[r.status!] ?? '') : '',
      httpVersion: answered ? 'HTTP/1.1' : '',
      cookies: [],
      headers: nameValues(r.responseHeaders),
      content: {
        size: r.bodyBytes ?? 0,
        mimeType: headerValue(r.responseHeaders, 'content-type') ?? (answered ? 'application/octet-stream' : 'x-unknown'),
      },
      redirectURL: '',
      headersSize: -1,
      bodySize: answered ? (r.bodyBytes ?? -1) : -1,
    },
    cache: {},
    timings: { send: 0, wait, receive },
    _requestId: r.requestId,
    _step: r.step,
    _attempt: r.attempt,
    _recordCount: r.recordCount,
  };
  if (r.requestBody !== null) {
    entry.request.postData = { mimeType: headerValue(r.requestHeaders, 'content-type') ?? 'application/json', text: requestBody };
  }
  if (r.responseBody !== null) entry.response.content.text = r.responseBody;
  if (r.truncated) {
    const stored = Buffer.byteLength(r.responseBody ?? '', 'utf8');
    entry.response.content.comment = `truncated: ${stored} of ${r.bodyBytes ?? '?'} bytes kept`;
    entry._truncated = true;
  }
  if (!answered) {
    entry._error = r.errorMessage ?? (r.answeredAt === null ? 'no response recorded (the run stopped while this request was in flight)' : 'no response');
    if (r.errorKind) entry._errorKind = r.errorKind;
    entry.comment = `failed: ${r.errorKind ? `${r.errorKind}: ` : ''}${entry._error}`;
  }
  if (r.retryDelayMs !== null) entry._retryDelayMs = r.retryDelayMs;
  return entry;
}

function runComment(run: RunRow): string {
  return `Outbound run ${run.id}: ${run.destination} → ${run.audience}, ${run.status}`;
}

/** The whole run as a HAR log object (fine for the studio; use writeHar for files). */
export function runToHar(store: Store, runId: string, opts: HarOptions = {}): HarLog {
  const run = store.getRun(runId);
  if (!run) throw new RangeError(`unknown run "${runId}" in ${store.path}`);
  const entries: HarEntry[] = [];
  for (const r of store.iterateRequests(runId)) entries.push(harEntry(r, run.createdAt));
  return {
    log: { version: '1.2', creator: { name: 'Outbound', version: opts.version ?? DEFAULT_VERSION }, comment: runComment(run), entries },
  };
}

/**
 * Writes the run's HAR to `file`, one entry at a time (a 100,000-request run never becomes
 * one giant string). Writes to a temporary file first so a failure leaves no half file.
 */
export function writeHar(store: Store, runId: string, file: string, opts: HarOptions = {}): { entries: number } {
  const run = store.getRun(runId);
  if (!run) throw new RangeError(`unknown run "${runId}" in ${store.path}`);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  let count = 0;
  try {
    const head = {
      version: '1.2',
      creator: { name: 'Outbound', version: opts.version ?? DEFAULT_VERSION },
      comment: runComment(run),
    };
    const headJson = JSON.stringify(head);
    writeSync(fd, `{"log":${headJson.slice(0, -1)},"entries":[`);
    for (const r of store.iterateRequests(runId)) {
      writeSync(fd, `${count === 0 ? '\n' : ',\n'}${JSON.stringify(harEntry(r, run.createdAt))}`);
      count++;
    }
    writeSync(fd, '\n]}}\n');
    closeSync(fd);
    renameSync(tmp, file);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw err;
  }
  return { entries: count };
}
