// The audience step before adds and removes: get the audience, create it when it is missing
// (and create is enabled), and hand `remote_audience` on. One flow for the runner and the
// studio's "Send this one"; each brings its own way of sending (the runner retries, paces
// and logs; the studio sends once and shows the answer).
import { describeRedirect } from './answer.js';
import { createdAudience, excerpt, type Planner } from './plan.js';
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
}

/** The URLs read, the middle elided past five. */
function listPages(urls: string[]): string {
  return (urls.length <= 5 ? urls : [...urls.slice(0, 2), `… ${urls.length - 4} more …`, ...urls.slice(-2)]).join(', ');
}

function pageNote(page: number): string {
  return page > 1 ? ` (page ${page})` : '';
}

/** Runs get (then create) audience; call only when the planner has a get step. */
export async function findOrCreateAudience(planner: Planner, audienceName: string, opts: AudienceStepOptions): Promise<AudienceOutcome> {
  const redact = opts.redact ?? ((s: string) => s);
  const ctx = planner.context();
  const get = planner.planAudience('getAudience', ctx);
  if (!get.ok) return { ok: false, reason: `get audience: ${get.reason}` };
  const paginator = planner.paginator;
  // Paginated: the filter runs page by page and the first page that matches ends the lookup.
  const read: string[] = [];
  let request = get.request;
  let res: HttpResult;
  for (let page = 1; ; page++) {
    opts.onPlanned?.(request);
    read.push(request.url);
    res = await opts.send(request);
    if (!res.ok) return { ok: false, reason: `get audience failed: ${describeResult(res)}${pageNote(page)}`, result: res };
    const moved = describeRedirect(res, request.url);
    if (moved) return { ok: false, reason: redact(`get audience answered ${moved}${pageNote(page)}`), result: res };
    if (res.truncated && res.status >= 200 && res.status <= 299) {
      return { ok: false, reason: `get audience answered HTTP ${res.status} with an answer larger than the stored-answer cap; it cannot be read${pageNote(page)}`, result: res };
    }
    const found = planner.findAudience(res.status, res.body, ctx);
    if (!found.ok) return { ok: false, reason: redact(found.reason + pageNote(page)), result: res };
    if (found.found) return { ok: true, value: found.value };
    if (!paginator || res.status === 404) break;
    const next = paginator.next(JSON.parse(res.body.trim() === '' ? 'null' : res.body), request.url, page);
    if ('error' in next) return { ok: false, reason: redact(`get audience, page ${page}: ${next.error}`), result: res };
    if (next.done) break;
    const again = read.indexOf(next.url);
    if (again >= 0) {
      return { ok: false, reason: redact(`get audience pagination loops: page ${page} points to ${next.url}, already read as page ${again + 1}; stopped`), result: res };
    }
    if (page >= paginator.maxPages) {
      return {
        ok: false,
        reason: redact(`audience "${audienceName}" not found in the ${page} pages get audience read (pagination.maxPages ${paginator.maxPages}; pages: ${listPages(read)}); more pages remain, so it was neither created nor taken as missing: raise maxPages or narrow the URL`),
        result: res,
      };
    }
    request = planner.readdress(request, next.url);
  }
  const pages = read.length > 1 ? ` (${read.length} pages read)` : '';
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
