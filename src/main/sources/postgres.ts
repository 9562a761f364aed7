// A SQL query against PostgreSQL as an input: streamed through a server-side cursor
// (pg-cursor), `fetchSize` rows at a time, so memory is bounded whatever the result size,
// inside a READ ONLY REPEATABLE READ transaction so the whole run reads one snapshot. Row
// numbers (1-based, in the query's order) stand in for line numbers.
//
// What a record holds (text results, parsed here rather than by pg's defaults, which give
// strings for int8/numeric and local-time Dates): int2/int4/float → numbers; int8 → a number,
// or an exact integer beyond 2^53 (engine/exact.ts, as NDJSON does); numeric → a number when
// the double holds it exactly, else its exact digits as a raw JSON number (engine/exact.ts's
// exactDecimal, Parquet's DECIMAL rule too); timestamptz → ISO 8601 in UTC (`2024-05-01T12:00:00.123456Z`);
// timestamp → ISO 8601 without a zone; date → `YYYY-MM-DD`; json/jsonb → values (big
// integers exact); bytea → base64; bool → boolean; arrays of these → arrays; anything else →
// the text PostgreSQL prints (uuid, interval, time, inet…).
import { createHash } from 'node:crypto';
import { createConnection } from 'node:net';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { SourceItem } from '../engine/types.js';
import { exactDecimal, exactInteger, markExact, parseJsonExact } from '../engine/exact.js';
import { findUserinfoPassword, passwordForms, replaceUserinfoPassword } from '../engine/url-userinfo.js';
import { parse as parseConnectionString } from 'pg-connection-string';

export interface PostgresInput {
  /** `postgres://` or `postgresql://` connection URL; a password in it is a secret. */
  url: string;
  query: string;
  /** Rows per cursor read (default 1000). */
  fetchSize?: number;
  /**
   * libpq's PG* variables of the run's environment (its --env-file values included), for what
   * the URL leaves out (PGPASSWORD, PGUSER, PGHOST, PGPORT, PGDATABASE): pg itself reads only
   * the process's own environment.
   */
  env?: PgEnv;
}

export type PgEnv = Partial<Record<(typeof PG_ENV_NAMES)[number], string>>;
export const PG_ENV_NAMES = ['PGPASSWORD', 'PGUSER', 'PGHOST', 'PGPORT', 'PGDATABASE'] as const;

/** The PG* connection variables of `env` that are set. */
export function pgEnvOf(env: Record<string, string | undefined>): PgEnv {
  const out: PgEnv = {};
  for (const name of PG_ENV_NAMES) {
    const v = env[name];
    if (v !== undefined && v !== '') out[name] = v;
  }
  return out;
}

export const DEFAULT_FETCH_SIZE = 1000;
// One test of what a postgres URL is, shared with the row-vs-line rule (shared/record-place.ts).
export { isPostgresUrl } from '../../shared/record-place.js';

/** `?password=` / `&sslpassword=` parameters dropped (pg reads both from the query string). */
function withoutPasswordParams(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const kept = url.slice(q + 1, end).split('&').filter((param) => !PASSWORD_PARAM.test(param));
  return `${url.slice(0, q)}${kept.length > 0 && kept.join('') !== '' ? `?${kept.join('&')}` : ''}${url.slice(end)}`;
}
const PASSWORD_PARAM = /^(ssl)?password=/i;

/**
 * The URL without its password (userinfo or `?password=`/`?sslpassword=`): what a run records
 * and shows. A string edit, not a URL round trip, so the unix-socket form
 * (`postgres://app@/crm?host=/var/run/postgresql`), which the URL parser refuses and pg
 * takes, is shown the same way.
 */
export function displayPostgresUrl(url: string): string {
  return withoutPasswordParams(replaceUserinfoPassword(url, ''));
}

/**
 * Every form of the secrets a URL carries, to mask wherever text is written: the password pg
 * will send (its own parser decides: `?password=` wins over the userinfo), the userinfo
 * password as written and decoded, and `password`/`sslpassword` parameters as written and decoded.
 */
export function postgresUrlSecrets(url: string): string[] {
  const out: string[] = [];
  try {
    const parsed = parseConnectionString(url);
    for (const key of ['password', 'sslpassword'] as const) {
      const v = parsed[key];
      if (typeof v === 'string' && v !== '') out.push(v);
    }
  } catch {
    // Not a URL pg takes (a password holding / ? #): it will refuse it. What sits between the
    // user name's `:` and the text's last `@` may be that password: masked all the same.
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^:@/?#]*:/i.exec(url);
    const at = url.lastIndexOf('@');
    if (m && at > m[0].length) out.push(url.slice(m[0].length, at));
  }
  const userinfo = findUserinfoPassword(url);
  if (userinfo) out.push(...passwordForms(userinfo.password));
  const q = url.indexOf('?');
  if (q >= 0) {
    for (const param of url.slice(q + 1).split(/[&#]/)) {
      if (PASSWORD_PARAM.test(param)) {
        const value = param.slice(param.indexOf('=') + 1);
        if (value !== '') out.push(...passwordForms(value.replace(/\+/g, ' ')), value);
      }
    }
  }
  return [...new Set(out)];
}

/** The password pg will send for this URL, or null (the first of postgresUrlSecrets). */
export function postgresUrlPassword(url: string): string | null {
  return postgresUrlSecrets(url)[0] ?? null;
}

/** The query as run: without trailing semicolons (it is wrapped in a subquery to count it). */
export function normalizeQuery(query: string): string {
  return query.replace(/[\s;]+$/, '');
}

/**
 * Whether the query sorts its rows (a resume matches rows by position): an ORDER BY at the top
 * level. Comments, string literals, quoted identifiers and dollar-quoted strings go first,
 * then every parenthesised group (innermost first), so a window's `OVER (ORDER BY …)` or a
 * subquery's ORDER BY does not count.
 */
export function queryHasOrderBy(query: string): boolean {
  let text = query.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"(?:[^"]|"")*"|\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/g, ' ');
  for (let before = ''; before !== text; ) {
    before = text;
    text = text.replace(/\([^()]*\)/g, ' ');
  }
  return /\border\s+by\b/i.test(text);
}

/** `postgres://app@host:5432/db` (no password): record errors read `postgres://app@host:5432/db row 42` (shared/record-place.ts). */
export function postgresLabel(url: string): string {
  return displayPostgresUrl(url);
}

/** What a resume checks: the target (no password) and the query text, hashed; the row count. */
export function postgresFingerprint(input: PostgresInput): string {
  return `postgres:${createHash('sha256').update(`${displayPostgresUrl(input.url)}\n${normalizeQuery(input.query)}`).digest('hex')}`;
}

// ---- errors --------------------------------------------------------------------------

interface PgError extends Error {
  code?: string;
  position?: string;
  severity?: string;
  detail?: string;
  hint?: string;
}

/** A 1-based line and column of `offset` (0-based) in `text`, and that line. */
function lineColumn(text: string, offset: number): { line: number; column: number; text: string } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  const start = before.lastIndexOf('\n') + 1;
  const end = text.indexOf('\n', start);
  return { line, column: offset - start + 1, text: text.slice(start, end < 0 ? undefined : end) };
}

/**
 * A message for a failed connection or query: what, where (the target without password),
 * and for a query error its line and column in the query (`shift`: characters the query was
 * prefixed with when sent). The password never appears (pg does not put it in messages;
 * `hide` masks it should a message echo the URL).
 */
export function describePgError(err: unknown, input: PostgresInput, shift = 0): string {
  const e = err as PgError;
  const target = displayPostgresUrl(input.url);
  const hide = (s: string): string => {
    for (const pw of postgresUrlSecrets(input.url)) {
      if (pw.length < 4) continue;
      s = s.split(pw).join('●●●●').split(encodeURIComponent(pw)).join('●●●●');
    }
    return s;
  };
  const code = e?.code;
  if (code === 'ERR_INVALID_URL') {
    return `postgres: ${invalidUrlTarget(input.url)} is not a URL pg can read: a user name or password holding / # ? % @ : or a space must be percent-encoded there (%2F %23 %3F %25 %40 %3A %20); a \${env:NAME} in source.postgres.url's user info is encoded for you`;
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || code === 'ECONNRESET') {
    return hide(`postgres: cannot connect to ${target} (${code}: ${e.message}); is the server running and the URL right?`);
  }
  if (/client password must be a string/.test(e?.message ?? '')) {
    return `postgres: ${target} asks for a password and none was given: set PGPASSWORD (in the environment or an --env-file; or ~/.pgpass), or name it in the config's source.postgres.url as \${env:NAME}`;
  }
  if (code === '28P01' || code === '28000') return hide(`postgres: ${target}: ${e.message} (check the user and password: PGPASSWORD or the URL)`);
  if (code === '3D000') return hide(`postgres: ${target}: ${e.message}`);
  const query = normalizeQuery(input.query);
  if (e?.position !== undefined && /^\d+$/.test(e.position)) {
    const at = lineColumn(query, Number(e.position) - 1 - shift);
    const caret = `${' '.repeat(Math.max(0, at.column - 1))}^`;
    return hide(`postgres: query line ${at.line}, column ${at.column}: ${e.message}\n  ${at.text}\n  ${caret}`);
  }
  const extra = [e?.detail, e?.hint].filter(Boolean).join('; ');
  return hide(`postgres: ${e?.message ?? String(err)}${code && /^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : ''}${extra ? ` (${extra})` : ''}`);
}

/** A URL pg refused, named without anything between `://` and its last `@` (a password that broke it may hold / ? #). */
function invalidUrlTarget(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^:@/?#]*)/i.exec(url);
  if (!m) return 'the URL';
  // The last `@` of the whole text: the password may hold `?` or `#`, which ended the authority.
  const at = url.lastIndexOf('@');
  if (at < 0) return displayPostgresUrl(url);
  return withoutPasswordParams(`${m[1]}${m[2]}@${url.slice(at + 1)}`);
}

// ---- types ---------------------------------------------------------------------------

/** Set while a row is parsed when one of its values is an exact integer (engine/exact.ts). */
let sawExact = false;

function int8(text: string): unknown {
  const n = Number(text);
  if (Number.isSafeInteger(n)) return n;
  sawExact = true;
  return exactInteger(text);
}

function numeric(text: string): unknown {
  if (!/^-?\d/.test(text)) return text; // NaN, Infinity: no JSON number
  // Canonical first (PostgreSQL prints no exponent and no leading zeros): `12.3000` is 12.3.
  let end = text.length;
  if (text.includes('.')) {
    while (text.charCodeAt(end - 1) === 48) end--; // '0'
    if (text.charCodeAt(end - 1) === 46) end--; // '.'
  }
  const value = exactDecimal(end === text.length ? text : text.slice(0, end));
  if (typeof value !== 'number') sawExact = true;
  return value;
}

function float(text: string): unknown {
  const n = Number(text);
  return Number.isFinite(n) ? n : text; // NaN, Infinity: no JSON number
}

/** `2024-05-01 12:00:00.5+00` → `2024-05-01T12:00:00.5Z` (the session's time zone is UTC). */
function timestamptz(text: string): string {
  if (text.endsWith(' BC') || !/^\d{4}-/.test(text)) return text; // infinity, BC dates: as printed
  return text.replace(' ', 'T').replace(/\+00(:00)?$/, 'Z');
}

function timestamp(text: string): string {
  if (text.endsWith(' BC') || !/^\d{4}-/.test(text)) return text;
  return text.replace(' ', 'T');
}

function bytea(text: string): string {
  return text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex').toString('base64') : Buffer.from(text, 'latin1').toString('base64');
}

function json(text: string): unknown {
  const v = parseJsonExact(text);
  if (v !== null && typeof v === 'object' && text.length >= 16 && /\d{16}/.test(text)) sawExact = true;
  return v;
}

const asText = (text: string): string => text;
const SCALAR: Record<number, (text: string) => unknown> = {
  16: (t) => t === 't',
  17: bytea,
  20: int8,
  21: Number,
  23: Number,
  26: Number,
  114: json,
  3802: json,
  700: float,
  701: float,
  1700: numeric,
  1082: asText,
  1114: timestamp,
  1184: timestamptz,
};
/** Array type oid → its element type oid. */
const ARRAY_OF: Record<number, number> = {
  1000: 16,
  1001: 17,
  1016: 20,
  1005: 21,
  1007: 23,
  1028: 26,
  199: 114,
  3807: 3802,
  1021: 700,
  1022: 701,
  1231: 1700,
  1182: 1082,
  1115: 1114,
  1185: 1184,
  1009: 25,
  1015: 1043,
  1014: 1042,
  2951: 2950,
};
type ArrayParse = (source: string, transform: (entry: string) => unknown) => unknown[];
// pg-types' arrayParser.create(...).parse() (its .d.ts describes it as a function, which it is not).
const arrayParser = (pg.types as unknown as { arrayParser: { create(source: string, transform: (e: string) => unknown): { parse(): unknown[] } } }).arrayParser;
const parseArray: ArrayParse = (source, transform) => arrayParser.create(source, transform).parse();

function typeParser(oid: number): (text: string) => unknown {
  const scalar = SCALAR[oid];
  if (scalar) return scalar;
  const element = ARRAY_OF[oid];
  if (element !== undefined) {
    const each = SCALAR[element] ?? asText;
    return (text) => parseArray(text, (entry) => (entry === null ? null : each(entry)));
  }
  return asText;
}

const TYPES = { getTypeParser: ((oid: number) => typeParser(oid)) as unknown as pg.CustomTypesConfig['getTypeParser'] };

// ---- reading -------------------------------------------------------------------------

/** A client connected with the session settings the parsers rely on (UTC, ISO dates). */
async function connect(input: PostgresInput): Promise<pg.Client> {
  // The URL parsed as pg parses a connectionString; what it leaves out comes from the run's
  // PG* variables (an --env-file's too), then pg's own defaults (the process environment).
  const config: Record<string, unknown> = { ...parseConnectionString(input.url) };
  const env = input.env ?? {};
  const fill = (key: string, value: string | undefined): void => {
    if ((config[key] === undefined || config[key] === null || config[key] === '') && value !== undefined) config[key] = value;
  };
  fill('password', env.PGPASSWORD);
  fill('user', env.PGUSER);
  fill('host', env.PGHOST);
  fill('port', env.PGPORT);
  fill('database', env.PGDATABASE);
  const client = new pg.Client({ ...(config as pg.ClientConfig), application_name: 'outbound' });
  // A server that goes away while idle must not crash the process: errors surface on the next query.
  client.on('error', () => undefined);
  await client.connect();
  await client.query("SET TIME ZONE 'UTC'; SET DateStyle TO ISO, YMD; SET IntervalStyle TO iso_8601");
  return client;
}

async function end(client: pg.Client): Promise<void> {
  await client.end().catch(() => undefined);
}

const COUNT_PREFIX = 'SELECT count(*)::int8 AS n FROM (\n';
const BEGIN = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/**
 * Asks the server to cancel what `client`'s backend runs (libpq's PQcancel: a CancelRequest
 * on a connection of its own, with the backend's pid and secret key; pg's client has no
 * public cancel). A query stopped this way fails with SQLSTATE 57014. Best effort: resolves
 * whatever happens.
 */
function cancelBackend(client: pg.Client): Promise<void> {
  const c = client as unknown as { processID: number | null; secretKey: number | null; host: string; port: number };
  if (c.processID === null || c.secretKey === null || typeof c.processID !== 'number' || typeof c.secretKey !== 'number') return Promise.resolve();
  const request = Buffer.alloc(16);
  request.writeInt32BE(16, 0);
  request.writeInt32BE(80877102, 4); // the CancelRequest code
  request.writeInt32BE(c.processID, 8);
  request.writeInt32BE(c.secretKey, 12);
  return new Promise((resolve) => {
    const socket = c.host?.startsWith('/') ? createConnection(`${c.host}/.s.PGSQL.${c.port}`) : createConnection(c.port, c.host);
    socket.once('connect', () => socket.end(request));
    socket.once('error', () => resolve());
    socket.once('close', () => resolve());
  });
}

/** `work` on `client`, cancelled on the server when `signal` aborts (then rejected with the stop's reason). */
async function cancellable<T>(client: pg.Client, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  if (!signal) return work();
  const onAbort = (): void => void cancelBackend(client);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await work();
  } catch (err) {
    if (signal.aborted) throw stopReason(signal);
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function stopReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(typeof signal.reason === 'string' ? signal.reason : 'interrupted');
}

/**
 * A connection inside the READ ONLY REPEATABLE READ transaction a run reads, the query's rows
 * counted in it: the count is of the very snapshot the cursor then reads (the transaction's
 * first query takes it), so the row count a run records is the one it goes through.
 */
export interface PostgresSession {
  rows: number;
  /** The open client; taken by the one reader that goes on in its transaction. */
  take(): pg.Client | null;
  /** Ends the transaction and the connection if no reader took them. */
  close(): Promise<void>;
}

/** An untaken session (a refused resume, a check without a run) closes on its own after this long. */
const SESSION_IDLE_MS = 60_000;

/**
 * Connects, begins the reading transaction and counts the query's rows in it: the check before
 * a run (connection, password, SQL errors: said before anything is sent), the row count its
 * identity records, and the transaction its reader goes on in. Costs one execution of the
 * query. `signal` cancels a count still running on the server.
 */
export async function probePostgres(input: PostgresInput, opts: { signal?: AbortSignal } = {}): Promise<{ ok: true; rows: number; session: PostgresSession } | { ok: false; message: string }> {
  let client: pg.Client | null = null;
  let shift = 0;
  try {
    client = await connect(input);
    const c = client;
    await c.query(BEGIN);
    shift = COUNT_PREFIX.length;
    const res = await cancellable(c, opts.signal, () => c.query<{ n: string }>(`${COUNT_PREFIX}${normalizeQuery(input.query)}\n) AS outbound_rows`));
    let open: pg.Client | null = c;
    const close = async (): Promise<void> => {
      const left = open;
      open = null;
      if (left) {
        await left.query('ROLLBACK').catch(() => undefined);
        await end(left);
      }
    };
    const idle = setTimeout(() => void close(), SESSION_IDLE_MS);
    idle.unref();
    return {
      ok: true,
      rows: Number(res.rows[0]!.n),
      session: {
        rows: Number(res.rows[0]!.n),
        take: () => {
          clearTimeout(idle);
          const taken = open;
          open = null;
          return taken;
        },
        close,
      },
    };
  } catch (err) {
    if (client) await end(client);
    if (opts.signal?.aborted) return { ok: false, message: stopReason(opts.signal).message };
    return { ok: false, message: describePgError(err, input, shift) };
  }
}

/**
 * The query's rows as SourceItems, `fetchSize` at a time through a cursor. A failure to
 * connect or a query error rejects next() with a message saying what and where; the
 * connection is closed whenever the consumer stops (break, abort, error). `session`: the
 * probe's open transaction to read in (its snapshot is the one counted); without it (or once
 * taken) a transaction of its own. An abort cancels a read the server is still working on
 * (a sort, a slow query) and rejects it with the stop's reason.
 */
export function readPostgres(input: PostgresInput, opts: { signal?: AbortSignal; session?: Promise<PostgresSession | null> } = {}): AsyncIterable<SourceItem> {
  const fetchSize = input.fetchSize ?? DEFAULT_FETCH_SIZE;
  return {
    [Symbol.asyncIterator]: () => {
      let row = 0;
      let client: pg.Client | null = null;
      let cursor: Cursor | null = null;
      let buffer: Record<string, unknown>[] = [];
      let at = 0;
      let done = false;
      const close = async (): Promise<void> => {
        done = true;
        const c = client;
        client = null;
        if (cursor) await cursor.close().catch(() => undefined);
        cursor = null;
        if (c) {
          await c.query('ROLLBACK').catch(() => undefined);
          await end(c);
        }
      };
      const fail = async (err: unknown): Promise<never> => {
        await close();
        if (opts.signal?.aborted) throw stopReason(opts.signal);
        throw new Error(describePgError(err, input), { cause: err });
      };
      return {
        next: async (): Promise<IteratorResult<SourceItem>> => {
          if (done) return { done: true, value: undefined };
          if (opts.signal?.aborted) {
            await close();
            return { done: true, value: undefined };
          }
          if (at >= buffer.length) {
            try {
              if (!client) {
                client = (await opts.session)?.take() ?? null;
                if (!client) {
                  client = await connect(input);
                  await client.query(BEGIN);
                }
                cursor = client.query(new Cursor(normalizeQuery(input.query), [], { types: TYPES }));
              }
              sawExact = false;
              const c = client;
              const open = cursor!;
              buffer = await cancellable(c, opts.signal, () => open.read(fetchSize));
              at = 0;
            } catch (err) {
              return fail(err);
            }
            if (buffer.length === 0) {
              await close();
              return { done: true, value: undefined };
            }
          }
          const value = buffer[at++]!;
          // Exact integers are rare: the rows of a read that saw one are each looked at.
          if (sawExact && holdsRawValue(value)) markExact(value);
          return { done: false, value: { ok: true, line: ++row, value } };
        },
        return: async (): Promise<IteratorResult<SourceItem>> => {
          await close();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

function holdsRawValue(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if ((JSON as unknown as { isRawJSON(x: unknown): boolean }).isRawJSON(v)) return true;
  for (const k in v) if (holdsRawValue((v as Record<string, unknown>)[k])) return true;
  return false;
}
