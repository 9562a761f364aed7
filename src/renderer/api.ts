// The renderer's single door to the service. Guarded so a missing preload shows a clear
// message instead of a white screen.
import type { StudioApi } from '../shared/api.js';

export function api(): StudioApi {
  const outbound = (window as { outbound?: StudioApi }).outbound;
  if (!outbound) throw new Error('window.outbound is missing: the preload did not load');
  return outbound;
}

export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // Electron prefixes IPC errors with "Error invoking remote method 'x': Error: …".
  return message.replace(/^Error invoking remote method '[^']+': (Error: )?/, '');
}
