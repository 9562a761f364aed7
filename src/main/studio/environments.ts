// Environments: named sets of variables (dev, staging, prod) that `${env:…}` resolves
// against in the preview, Send this one, the OAuth tester and studio runs, over the process
// env. Secret values stay in main (invariant 6): saved encrypted with the OS crypto, or,
// when the OS cannot encrypt and the user chooses so, kept in memory for this session only.
// The renderer sees names, plain values and whether each secret is set, never a secret.
import type { EnvironmentsState, EnvironmentVariableInput, EnvironmentView, StudioApi } from '../../shared/api.js';
import type { Issue } from '../../shared/issues.js';
import type { Env } from '../app/config.js';
import type { Store } from '../store/db.js';
import type { EnvironmentRow } from '../store/environments.js';
import type { SecretCrypto } from '../store/rows.js';
import type { EnvironmentSource } from './context.js';

export type EnvironmentsArea = Pick<StudioApi, 'listEnvironments' | 'saveEnvironment' | 'deleteEnvironment' | 'selectEnvironment'>;

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const NO_ENCRYPTION_MESSAGE =
  'This computer cannot encrypt secrets (the OS keychain is unavailable), so this secret cannot be saved. Keep it for this session only (it is forgotten when the studio closes), or reference a variable of the process environment instead.';

export function createEnvironments(store: () => Promise<Store>, crypto: SecretCrypto | undefined): { area: EnvironmentsArea; source: EnvironmentSource } {
  /** Session-only secrets: environment id → variable → value. Never written anywhere. */
  const session = new Map<string, Map<string, string>>();
  let selectedCache: { name: string | null; vars: Env } | null = null;

  const varsOf = (row: EnvironmentRow): Env => {
    const vars: Env = {};
    const kept = session.get(row.id);
    for (const v of row.variables) {
      const value = v.secret && v.sessionOnly ? kept?.get(v.name) : v.value;
      if (value !== null && value !== undefined) vars[v.name] = value;
    }
    return vars;
  };

  const view = (row: EnvironmentRow): EnvironmentView => ({
    id: row.id,
    name: row.name,
    variables: row.variables.map((v) => {
      if (!v.secret) return { name: v.name, secret: false, value: v.value ?? '', set: true, sessionOnly: false };
      const set = v.sessionOnly ? session.get(row.id)?.has(v.name) === true : v.value !== null && v.value !== '';
      return { name: v.name, secret: true, set, sessionOnly: v.sessionOnly, ...(v.locked ? { locked: true } : {}) };
    }),
  });

  const state = async (): Promise<EnvironmentsState> => {
    const rows = (await store()).listEnvironments(crypto);
    return {
      environments: rows.map(view),
      selectedId: rows.find((r) => r.selected)?.id ?? null,
      canEncrypt: crypto !== undefined,
    };
  };

  const validate = (name: string, variables: EnvironmentVariableInput[]): Issue[] => {
    const issues: Issue[] = [];
    if (name.trim() === '') issues.push({ path: 'name', message: 'an environment needs a name' });
    const seen = new Set<string>();
    variables.forEach((v, i) => {
      if (!VAR_NAME.test(v.name)) issues.push({ path: `variables[${i}].name`, message: `"${v.name}" is not a variable name: letters, digits and _, not starting with a digit` });
      else if (seen.has(v.name)) issues.push({ path: `variables[${i}].name`, message: `${v.name} is listed twice` });
      seen.add(v.name);
      if (v.secret && !v.sessionOnly && v.value !== undefined && v.value !== '' && !crypto) {
        issues.push({ path: `variables[${i}].value`, message: NO_ENCRYPTION_MESSAGE });
      }
    });
    return issues;
  };

  const area: EnvironmentsArea = {
    listEnvironments: state,

    async saveEnvironment({ id, name, variables }) {
      const s = await store();
      const issues = validate(name, variables);
      const clash = s.findEnvironmentByName(name.trim());
      if (clash && clash.id !== id) issues.push({ path: 'name', message: `an environment named "${clash.name}" already exists` });
      if (issues.length > 0) return { issues, state: await state() };
      const saved = s.saveEnvironment({ ...(id ? { id } : {}), name, variables }, crypto);
      // Session-only secrets live here; a secret saved (or dropped) no longer has one.
      const kept = session.get(saved.id) ?? new Map<string, string>();
      const next = new Map<string, string>();
      for (const v of variables) {
        if (!v.secret || !v.sessionOnly) continue;
        if (v.value === undefined) {
          const old = kept.get(v.name);
          if (old !== undefined) next.set(v.name, old);
        } else if (v.value !== '') next.set(v.name, v.value);
      }
      session.set(saved.id, next);
      selectedCache = null;
      return { id: saved.id, issues: [], state: await state() };
    },

    async deleteEnvironment(envId) {
      (await store()).deleteEnvironment(envId);
      session.delete(envId);
      selectedCache = null;
      return state();
    },

    async selectEnvironment(envId) {
      if (!(await store()).selectEnvironment(envId)) throw new Error(`no environment with id ${envId}`);
      selectedCache = null;
      return state();
    },
  };

  const source: EnvironmentSource = {
    async selected() {
      if (selectedCache) return selectedCache;
      const row = (await store()).listEnvironments(crypto).find((r) => r.selected);
      selectedCache = row ? { name: row.name, vars: varsOf(row) } : { name: null, vars: {} };
      return selectedCache;
    },
    async byName(name) {
      const row = (await store()).findEnvironmentByName(name, crypto);
      return row ? varsOf(row) : null;
    },
  };
  return { area, source };
}
