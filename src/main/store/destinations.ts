// The destinations table: saved destinations, reads and writes. Secrets never rest in
// clear: with a crypto (Electron safeStorage in the studio) they are encrypted; without one
// only `${env:NAME}` references are accepted.
import { randomUUID } from 'node:crypto';
import type { Connection } from './connection.js';
import { PlaintextSecretError } from './errors.js';
import { parseJson, type DestinationInput, type DestinationRow, type DestinationSummaryRow, type SecretCrypto } from './rows.js';

const ENV_REF = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/;

const SQL = {
  exists: 'SELECT id FROM destinations WHERE id = ?',
  update: 'UPDATE destinations SET name = ?, config = ?, updated_at = ? WHERE id = ?',
  setSecrets: 'UPDATE destinations SET secrets = ?, secrets_scheme = ? WHERE id = ?',
  insert: 'INSERT INTO destinations (id, name, config, secrets, secrets_scheme, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  byId: 'SELECT * FROM destinations WHERE id = ?',
  summaries: 'SELECT id, name, created_at, updated_at FROM destinations ORDER BY name COLLATE NOCASE, id',
  delete: 'DELETE FROM destinations WHERE id = ?',
} as const;

interface DestinationDbRow {
  id: string;
  name: string;
  config: string;
  secrets: Buffer | null;
  secrets_scheme: 'encrypted' | 'refs' | null;
  created_at: number;
  updated_at: number;
}

export function saveDestination(
  conn: Connection,
  input: DestinationInput,
  crypto?: SecretCrypto,
  now: number = Date.now(),
): { id: string } {
  if (typeof input.name !== 'string' || input.name.trim() === '') {
    throw new TypeError('destination name must not be empty');
  }
  let secretsBlob: Buffer | null | undefined; // undefined: keep what is stored
  let scheme: 'encrypted' | 'refs' | null = null;
  if (input.secrets !== undefined) {
    const entries = Object.entries(input.secrets);
    if (entries.length === 0) {
      secretsBlob = null;
    } else if (crypto) {
      const cipher = crypto.encrypt(JSON.stringify(input.secrets));
      if (!(cipher instanceof Uint8Array)) throw new TypeError('crypto.encrypt must return a Buffer');
      secretsBlob = Buffer.from(cipher);
      scheme = 'encrypted';
    } else {
      for (const [field, value] of entries) {
        if (typeof value !== 'string' || !ENV_REF.test(value.trim())) throw new PlaintextSecretError(field);
      }
      secretsBlob = Buffer.from(JSON.stringify(input.secrets), 'utf8');
      scheme = 'refs';
    }
  }
  const id = input.id ?? randomUUID();
  const config = JSON.stringify(input.config ?? null);
  conn.db.transaction(() => {
    const existing = conn.stmt(SQL.exists).get(id);
    if (existing) {
      conn.stmt(SQL.update).run(input.name, config, now, id);
      if (secretsBlob !== undefined) conn.stmt(SQL.setSecrets).run(secretsBlob, scheme, id);
    } else {
      conn.stmt(SQL.insert).run(id, input.name, config, secretsBlob ?? null, scheme, now, now);
    }
  })();
  return { id };
}

export function getDestination(conn: Connection, id: string, crypto?: SecretCrypto): DestinationRow | null {
  const r = conn.stmt(SQL.byId).get(id) as DestinationDbRow | undefined;
  if (!r) return null;
  const row: DestinationRow = {
    id: r.id,
    name: r.name,
    config: parseJson(r.config),
    secretsLocked: false,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.secrets !== null) {
    if (r.secrets_scheme === 'refs') {
      row.secrets = JSON.parse(r.secrets.toString('utf8')) as Record<string, string>;
    } else if (crypto) {
      row.secrets = JSON.parse(crypto.decrypt(r.secrets)) as Record<string, string>;
    } else {
      row.secretsLocked = true;
    }
  }
  return row;
}

export function listDestinations(conn: Connection): DestinationSummaryRow[] {
  const rows = conn.stmt(SQL.summaries).all() as Array<
    Pick<DestinationDbRow, 'id' | 'name' | 'created_at' | 'updated_at'>
  >;
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at }));
}

export function deleteDestination(conn: Connection, id: string): boolean {
  return conn.stmt(SQL.delete).run(id).changes > 0;
}
