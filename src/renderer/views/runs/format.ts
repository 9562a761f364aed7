// Formatters for the run view.
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, '0')} min`;
}

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
