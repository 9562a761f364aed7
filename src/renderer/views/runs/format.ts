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
  return status === 'succeeded' ? 'ok' : status === 'partial' ? 'warn' : status === 'running' ? 'retry' : 'error';
}
