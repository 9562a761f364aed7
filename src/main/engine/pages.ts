// Paginated get audience: after a page that holds no match, where the next page is. Three
// styles (config `getAudience.pagination`): a next-page URL in the answer, a cursor handed
// back and sent as a query parameter, or page numbers. Only ever run per page of the
// lookup, never per record.
import type { PaginationConfig } from '../../shared/config.js';
import type { Issue } from '../../shared/issues.js';
import { compileJmes, type CompiledJmes } from './jmes.js';

export type NextPage = { done: true } | { done: false; url: string } | { error: string };

export interface Paginator {
  readonly maxPages: number;
  /**
   * The URL of the page after the one answered with `json` to a request to `url`; `page` is
   * the 1-based number of the page just read (its position, whatever the numbering).
   */
  next(json: unknown, url: string, page: number): NextPage;
}

const PATH = 'destination.getAudience.pagination';

/** Compiles the pagination's JMESPaths; issues name the field. */
export function createPaginator(cfg: PaginationConfig): { ok: true; paginator: Paginator } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const compile = (field: 'nextUrlPath' | 'cursorPath' | 'itemsPath'): Extract<CompiledJmes, { ok: true }> | null => {
    const expr = cfg[field]?.trim();
    if (!expr) return null;
    const c = compileJmes(expr, `${PATH}.${field}`);
    if (c.ok) return c;
    issues.push({ path: `${PATH}.${field}`, message: c.error.message, ...(c.error.column !== undefined ? { column: c.error.column } : {}) });
    return null;
  };
  const nextUrl = compile('nextUrlPath');
  const cursor = compile('cursorPath');
  const items = compile('itemsPath');
  if (issues.length > 0) return { ok: false, issues };

  const read = (c: Extract<CompiledJmes, { ok: true }>, json: unknown, field: string): { value: unknown } | { error: string } => {
    try {
      return { value: c.search(json) };
    } catch (err) {
      return { error: `${PATH}.${field}: ${(err as Error).message}` };
    }
  };
  /** A cursor, link or page list that says "no more": missing, null, empty. */
  const absent = (v: unknown): boolean => v === null || v === undefined || v === '' || v === false || (Array.isArray(v) && v.length === 0);

  const paginator: Paginator = {
    maxPages: cfg.maxPages,
    next(json, url, page) {
      if (items) {
        const list = read(items, json, 'itemsPath');
        if ('error' in list) return list;
        if (absent(list.value)) return { done: true };
      }
      if (nextUrl) {
        const link = read(nextUrl, json, 'nextUrlPath');
        if ('error' in link) return link;
        if (absent(link.value)) return { done: true };
        if (typeof link.value !== 'string') return { error: `${PATH}.nextUrlPath gave ${JSON.stringify(link.value).slice(0, 80)}, not a URL string` };
        return sameOrigin(link.value, url);
      }
      if (cursor) {
        const c = read(cursor, json, 'cursorPath');
        if ('error' in c) return c;
        if (absent(c.value)) return { done: true };
        if (typeof c.value !== 'string' && typeof c.value !== 'number') return { error: `${PATH}.cursorPath gave ${JSON.stringify(c.value).slice(0, 80)}, not a string or number` };
        return { done: false, url: withParam(url, cfg.cursorParam!.trim(), String(c.value)) };
      }
      // Page numbers: the first request is sent as written, page n carries startPage + n - 1.
      return { done: false, url: withParam(url, cfg.pageParam!.trim(), String(cfg.startPage + page)) };
    },
  };
  return { ok: true, paginator };
}

function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

/**
 * A next-page link, resolved against the request URL, if it stays on the same origin: the
 * request carries the destination's credentials (headers, OAuth token), which must never
 * reach a host the user did not configure.
 */
function sameOrigin(link: string, base: string): NextPage {
  let next: URL;
  try {
    next = new URL(link, base);
  } catch {
    return { error: `next-page URL "${link.slice(0, 200)}" is not a URL` };
  }
  const from = new URL(base);
  if (next.origin !== from.origin) {
    return { error: `next-page URL ${next.origin} is not on the get audience URL's origin ${from.origin}: not followed, because the request carries the destination's credentials` };
  }
  return { done: false, url: next.toString() };
}
