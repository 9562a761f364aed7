// The environments tables: named sets of variables `${env:…}` resolves against in the
// studio, the one selected, and which environment a studio run used. A secret variable's
// value never rests in clear: it is stored encrypted with the OS crypto, or not at all
// (session-only: the studio keeps it in memory; the row only says it exists).
import { randomUUID } from 'node:crypto';
import type { Connection } from './connection.js';
import { PlaintextSecretError } from './errors.js';

export interface EnvironmentVariableInput {
  name: string;
  secret: boolean;
  /** The value; for a secret, absent keeps the stored one. */
  value?: string;
  /** A secret kept for this session only: nothing of its value is written. */
  sessionOnly?: boolean;
}

export interface EnvironmentInput {
  id?: string;
  name: string;
  variables: EnvironmentVariableInput[];
}

export interface EnvironmentVariableRow {
  name: string;
  secret: boolean;
  /** The plain value, or the decrypted secret; null for a session-only or unreadable secret. */
  value: string | null;
  sessionOnly: boolean;
  /** A secret encrypted on another machine (or without the crypto given): it cannot be read here. */
  locked: boolean;
}

export interface EnvironmentRow {
  id: string;
  name: string;
  selected: boolean;
  variables: EnvironmentVariableRow[];
  createdAt: number;
  updatedAt: number;
}

export interface EnvironmentCrypto {
  encrypt(plain: string): Buffer;
  decrypt(cipher: Buffer): string;
}

const SQL = {
  byId: 'SELECT * FROM environments WHERE id = ?',
  byName: 'SELECT id FROM environments WHERE name = ? COLLATE NOCASE',
  all: 'SELECT * FROM environments ORDER BY name COLLATE NOCASE, id',
  insert: 'INSERT INTO environments (id, name, selected, created_at, updated_at) VALUES (?, ?, 0, ?, ?)',
  rename: 'UPDATE environments SET name = ?, updated_at = ? WHERE id = ?',
  vars: 'SELECT * FROM environment_variables WHERE env_id = ? ORDER BY position',
  deleteVars: 'DELETE FROM environment_variables WHERE env_id = ?',
  insertVar: 'INSERT INTO environment_variables (env_id, name, secret, value, cipher, session_only, position) VALUES (?, ?, ?, ?, ?, ?, ?)',
  delete: 'DELETE FROM environments WHERE id = ?',
  unselect: 'UPDATE environments SET selected = 0 WHERE selected <> 0',
  select: 'UPDATE environments SET selected = 1 WHERE id = ?',
  recordRun: 'INSERT OR REPLACE INTO run_environments (run_id, environment) VALUES (?, ?)',
  runEnv: 'SELECT environment FROM run_environments WHERE run_id = ?',
} as const;

interface EnvDbRow {
  id: string;
  name: string;
  selected: number;
  created_at: number;
  updated_at: number;
}

interface VarDbRow {
  name: string;
  secret: number;
  value: string | null;
  cipher: Buffer | null;
  session_only: number;
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function saveEnvironment(conn: Connection, input: EnvironmentInput, crypto?: EnvironmentCrypto, now: number = Date.now()): { id: string } {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '') throw new TypeError('environment name must not be empty');
  const seen = new Set<string>();
  for (const v of input.variables) {
    if (!VAR_NAME.test(v.name)) throw new TypeError(`variable "${v.name}": a name is letters, digits and _ and does not start with a digit`);
    if (seen.has(v.name)) throw new TypeError(`variable "${v.name}" is listed twice`);
    seen.add(v.name);
    if (v.secret && !v.sessionOnly && v.value !== undefined && v.value !== '' && !crypto) throw new PlaintextSecretError(v.name);
  }
  const id = input.id ?? randomUUID();
  conn.db.transaction(() => {
    const clash = conn.stmt(SQL.byName).get(name) as { id: string } | undefined;
    if (clash && clash.id !== id) throw new TypeError(`an environment named "${name}" already exists`);
    const existing = conn.stmt(SQL.byId).get(id) as EnvDbRow | undefined;
    // Secrets left unchanged (no value given) keep their stored cipher.
    const kept = new Map<string, VarDbRow>();
    if (existing) {
      for (const r of conn.stmt(SQL.vars).all(id) as VarDbRow[]) kept.set(r.name, r);
      conn.stmt(SQL.rename).run(name, now, id);
      conn.stmt(SQL.deleteVars).run(id);
    } else {
      conn.stmt(SQL.insert).run(id, name, now, now);
    }
    input.variables.forEach((v, position) => {
      if (!v.secret) {
        conn.stmt(SQL.insertVar).run(id, v.name, 0, v.value ?? '', null, 0, position);
        return;
      }
      if (v.sessionOnly) {
        conn.stmt(SQL.insertVar).run(id, v.name, 1, null, null, 1, position);
        return;
      }
      let cipher: Buffer | null = null;
      if (v.value === undefined) {
        const old = kept.get(v.name);
        cipher = old && old.secret && !old.session_only ? old.cipher : null;
      } else if (v.value !== '') {
        const out = crypto!.encrypt(v.value);
        if (!(out instanceof Uint8Array)) throw new TypeError('crypto.encrypt must return a Buffer');
        cipher = Buffer.from(out);
      }
      conn.stmt(SQL.insertVar).run(id, v.name, 1, null, cipher, 0, position);
    });
  })();
  return { id };
}

function toRow(conn: Connection, r: EnvDbRow, crypto?: EnvironmentCrypto): EnvironmentRow {
  const variables = (conn.stmt(SQL.vars).all(r.id) as VarDbRow[]).map((v): EnvironmentVariableRow => {
    if (!v.secret) return { name: v.name, secret: false, value: v.value ?? '', sessionOnly: false, locked: false };
    if (v.session_only || v.cipher === null) return { name: v.name, secret: true, value: null, sessionOnly: Boolean(v.session_only), locked: false };
    if (!crypto) return { name: v.name, secret: true, value: null, sessionOnly: false, locked: true };
    try {
      return { name: v.name, secret: true, value: crypto.decrypt(v.cipher), sessionOnly: false, locked: false };
    } catch {
      return { name: v.name, secret: true, value: null, sessionOnly: false, locked: true };
    }
  });
  return { id: r.id, name: r.name, selected: Boolean(r.selected), variables, createdAt: r.created_at, updatedAt: r.updated_at };
}

export function getEnvironment(conn: Connection, id: string, crypto?: EnvironmentCrypto): EnvironmentRow | null {
  const r = conn.stmt(SQL.byId).get(id) as EnvDbRow | undefined;
  return r ? toRow(conn, r, crypto) : null;
}

export function findEnvironmentByName(conn: Connection, name: string, crypto?: EnvironmentCrypto): EnvironmentRow | null {
  const hit = conn.stmt(SQL.byName).get(name) as { id: string } | undefined;
  return hit ? getEnvironment(conn, hit.id, crypto) : null;
}

export function listEnvironments(conn: Connection, crypto?: EnvironmentCrypto): EnvironmentRow[] {
  return (conn.stmt(SQL.all).all() as EnvDbRow[]).map((r) => toRow(conn, r, crypto));
}

export function deleteEnvironment(conn: Connection, id: string): boolean {
  return conn.stmt(SQL.delete).run(id).changes > 0;
}

/** Makes `id` the one selected environment (null: none). False when `id` is unknown. */
export function selectEnvironment(conn: Connection, id: string | null): boolean {
  let ok = true;
  conn.db.transaction(() => {
    conn.stmt(SQL.unselect).run();
    if (id !== null) ok = conn.stmt(SQL.select).run(id).changes > 0;
  })();
  return ok;
}

export function recordRunEnvironment(conn: Connection, runId: string, environment: string): void {
  conn.stmt(SQL.recordRun).run(runId, environment);
}

export function runEnvironment(conn: Connection, runId: string): string | null {
  const r = conn.stmt(SQL.runEnv).get(runId) as { environment: string } | undefined;
  return r?.environment ?? null;
}
