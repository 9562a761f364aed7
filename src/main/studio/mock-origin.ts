// The built-in mock listens on a loopback port chosen at launch. Destinations that point at
// it (the first-launch example, and any the user made from it) must keep working on the next
// launch: the port is remembered next to the database and reused when free; when it is
// taken, saved destinations are moved from the old origin to the new one.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Store } from '../store/db.js';

function portFile(dbPath: string): string | null {
  return dbPath === ':memory:' ? null : join(dirname(dbPath), 'mock-port.json');
}

export function rememberedMockPort(dbPath: string): number | undefined {
  const file = portFile(dbPath);
  if (!file) return undefined;
  try {
    const port = (JSON.parse(readFileSync(file, 'utf8')) as { port?: unknown }).port;
    return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  } catch {
    return undefined;
  }
}

export function rememberMockPort(dbPath: string, port: number): void {
  const file = portFile(dbPath);
  if (!file) return;
  try {
    writeFileSync(file, JSON.stringify({ port }) + '\n');
  } catch {
    // Not remembering only costs a rewrite on the next launch.
  }
}

/** Rewrites `http://127.0.0.1:<oldPort>` to `newUrl` in every saved destination; returns how many changed. */
export function moveMockOrigin(store: Store, oldPort: number, newUrl: string): number {
  const oldOrigin = `http://127.0.0.1:${oldPort}`;
  const target = newUrl.replace(/\/+$/, '');
  let changed = 0;
  for (const summary of store.listDestinations()) {
    const row = store.getDestination(summary.id);
    if (!row) continue;
    const text = JSON.stringify(row.config);
    // Only whole origins: :8080 must not match inside :80800.
    const pattern = new RegExp(`${oldOrigin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9])`, 'g');
    if (!pattern.test(text)) continue;
    const config = JSON.parse(text.replace(pattern, target)) as unknown;
    store.saveDestination({ id: row.id, name: row.name, config });
    changed++;
  }
  return changed;
}
