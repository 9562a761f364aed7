// Formatters for the run view (durations come from src/shared/format.ts, shared with the CLI).
export function formatClock(ms: number | null): string {
  if (ms === null) return '—';
  const d = new Date(ms);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString()}`;
}

export function statusClass(status: number | null): 'ok' | 'warn' | 'error' | 'retry' {
  if (status === null) return 'error';
  if (status >= 200 && status < 300) return 'ok';
  if (status === 429) return 'retry';
  if (status >= 400 && status < 500) return 'warn';
  return 'error';
}

export function runTone(status: string): 'ok' | 'warn' | 'error' | 'retry' {
  return status === 'succeeded' ? 'ok' : status === 'partial' || status === 'cancelled' ? 'warn' : status === 'running' ? 'retry' : 'error';
}

/**
 * What the log's URL column shows: the path and query (what differs from one request to the
 * next); the origin, the same for every row, is in the cell's title with the whole URL.
 */
export function urlPath(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}${u.hash}` || '/';
  } catch {
    return url;
  }
}

/** The path split before its last segment, so a narrow column cuts the shared start, not the end. */
export function splitPath(path: string): [head: string, tail: string] {
  const q = path.search(/[?#]/);
  const bare = q < 0 ? path : path.slice(0, q);
  const cut = bare.lastIndexOf('/', bare.length - 2) + 1;
  return cut > 0 ? [path.slice(0, cut), path.slice(cut)] : ['', path];
}
