// The audience step before adds and removes: get the audience, create it when it is missing
// (and create is enabled), and hand `remote_audience` on. One flow for the runner and the
// studio's "Send this one"; each brings its own way of sending (the runner retries, paces
// and logs; the studio sends once and shows the answer).
import { describeRedirect } from './answer.js';
import { createdAudience, excerpt, type Planner, type TopContext } from './plan.js';
import { describeResult } from './retry.js';
import type { HttpResult, PlannedRequest } from './types.js';

export type AudienceOutcome =
  | { ok: true; value: unknown }
  /** `result` is the answer that ended the step, when one came back. */
  | { ok: false; reason: string; result?: HttpResult; missing?: true };

export interface AudienceStepOptions {
  /** Sends one planned request and resolves with its (last) result. */
  send(request: PlannedRequest): Promise<HttpResult>;
  /** Told of each request before it is sent. */
  onPlanned?(request: PlannedRequest): void;
  /** Masks secrets in text taken from a response. */
  redact?(text: string): string;
  /** Read-only: never create; a missing audience ends with `missing: true` (the studio's "Resolve now"). */
  findOnly?: boolean;
  /** Another process creates the audience: wait for it instead of creating it. */
  createdBy?: AudienceCreator;
}

/** The URLs read, the middle elided past five. */
function listPages(urls: string[]): string {
  return (urls.length <= 5 ? urls : [...urls.slice(0, 2), `… ${urls.length - 4} more …`, ...urls.slice(-2)]).join(', ');
}

function pageNote(page: number): string {
  return page > 1 ? ` (page ${page})` : '';
}

/**
 * Another process creates the audience (shard 0 of a sharded run): a get that finds nothing
 * is read again after a wait, with backoff, for up to `waitMs`; the run never creates it.
 */
export interface AudienceCreator {
  /** Who creates it, as said in messages: `shard 0`. */
  by: string;
  /** How long to keep looking before giving up. */
  waitMs: number;
  /** Waits `ms` (stopped by the run's signal: it then rejects). */
  sleep(ms: number): Promise<void>;
  /** Told before each wait. */
  onWait?(delayMs: number, attempt: number): void;
}

/** The first wait before another look, doubled after each, up to AUDIENCE_WAIT_MAX_STEP_MS. */
export const AUDIENCE_WAIT_FIRST_MS = 500;
export const AUDIENCE_WAIT_MAX_STEP_MS = 15_000;

type Lookup = { kind: 'found'; value: unknown } | { kind: 'missing'; result: HttpResult; pages: number } | { kind: 'failed'; outcome: AudienceOutcome };

/** One lookup of the audience (every page get audience reads). */
async function lookUp(planner: Planner, audienceName: string, first: PlannedRequest, ctx: TopContext, opts: AudienceStepOptions): Promise<Lookup> {
  const redact = opts.redact ?? ((s: string) => s);
  const fail = (reason: string, result?: HttpResult): Lookup => ({ kind: 'failed', outcome: { ok: false, reason, ...(result ? { result } : {}) } });
  const paginator = planner.paginator;
  // Paginated: the filter runs page by page and the first page that matches ends the lookup.
  const read: string[] = [];
  let request = first;
  let res: HttpResult;
  for (let page = 1; ; page++) {
    opts.onPlanned?.(request);
    read.push(request.url);
    res = await opts.send(request);
    if (!res.ok) return fail(`get audience failed: ${describeResult(res)}${pageNote(page)}`, res);
    const moved = describeRedirect(res, request.url);
    if (moved) return fail(redact(`get audience answered ${moved}${pageNote(page)}`), res);
    if (res.truncated && res.status >= 200 && res.status <= 299) {
      return fail(`get audience answered HTTP ${res.status} with an answer larger than the stored-answer cap; it cannot be read${pageNote(page)}`, res);
    }
    const found = planner.findAudience(res.status, res.body, ctx);
    if (!found.ok) return fail(redact(found.reason + pageNote(page)), res);
    if (found.found) return { kind: 'found', value: found.value };
    if (!paginator || res.status === 404) break;
    const next = paginator.next(JSON.parse(res.body.trim() === '' ? 'null' : res.body), request.url, page);
    if ('error' in next) return fail(redact(`get audience, page ${page}: ${next.error}`), res);
    if (next.done) break;
    const again = read.indexOf(next.url);
    if (again >= 0) {
      return fail(redact(`get audience pagination loops: page ${page} points to ${next.url}, already read as page ${again + 1}; stopped`), res);
    }
    if (page >= paginator.maxPages) {
      return fail(
        redact(`audience "${audienceName}" not found in the ${page} pages get audience read (pagination.maxPages ${paginator.maxPages}; pages: ${listPages(read)}); more pages remain, so it was neither created nor taken as missing: raise maxPages or narrow the URL`),
        res,
      );
    }
    request = planner.readdress(request, next.url);
  }
  return { kind: 'missing', result: res, pages: read.length };
}

/** Runs get (then create) audience; call only when the planner has a get step. */
export async function findOrCreateAudience(planner: Planner, audienceName: string, opts: AudienceStepOptions): Promise<AudienceOutcome> {
  const redact = opts.redact ?? ((s: string) => s);
  const ctx = planner.context();
  const get = planner.planAudience('getAudience', ctx);
  if (!get.ok) return { ok: false, reason: `get audience: ${get.reason}` };
  let look = await lookUp(planner, audienceName, get.request, ctx, opts);
  if (look.kind === 'found') return { ok: true, value: look.value };
  if (look.kind === 'failed') return look.outcome;
  const creator = opts.createdBy;
  if (creator && planner.steps.create && !opts.findOnly) {
    // Several processes starting together would each create one: only the creator does;
    // this one looks again until the audience exists or the wait is over.
    let waited = 0;
    for (let attempt = 1, step = AUDIENCE_WAIT_FIRST_MS; waited < creator.waitMs; attempt++, step = Math.min(step * 2, AUDIENCE_WAIT_MAX_STEP_MS)) {
      const delay = Math.min(step, creator.waitMs - waited);
      creator.onWait?.(delay, attempt);
      await creator.sleep(delay);
      waited += delay;
      look = await lookUp(planner, audienceName, get.request, ctx, opts);
      if (look.kind === 'found') return { ok: true, value: look.value };
      if (look.kind === 'failed') return look.outcome;
    }
    return {
      ok: false,
      reason: `audience "${audienceName}" not found by get audience after waiting ${Math.round(creator.waitMs / 1000)} s; ${creator.by} creates it: retry when it exists`,
      result: look.result,
    };
  }
  const { result: res, pages: count } = look;
  const pages = count > 1 ? ` (${count} pages read)` : '';
  if (opts.findOnly) {
    const then = planner.steps.create ? 'create audience would create it when the export runs' : 'create audience is not enabled';
    return { ok: false, reason: `audience "${audienceName}" not found by get audience${pages} (${then})`, result: res, missing: true };
  }
  if (!planner.steps.create) {
    return { ok: false, reason: `audience "${audienceName}" not found by get audience${pages}, and create audience is not enabled`, result: res };
  }
  const create = planner.planAudience('createAudience', ctx);
  if (!create.ok) return { ok: false, reason: `create audience: ${create.reason}` };
  opts.onPlanned?.(create.request);
  const cres = await opts.send(create.request);
  if (!cres.ok) return { ok: false, reason: `create audience failed: ${describeResult(cres)}`, result: cres };
  const cmoved = describeRedirect(cres, create.request.url);
  if (cmoved) return { ok: false, reason: redact(`create audience answered ${cmoved}`), result: cres };
  if (cres.status < 200 || cres.status > 299) {
    return { ok: false, reason: `create audience answered HTTP ${cres.status}: ${redact(excerpt(cres.body))}`, result: cres };
  }
  return { ok: true, value: createdAudience(cres.body) };
}
