// What every area of the studio service shares, passed down to each (never a callback up):
// the store once it is open, the environment `${env:…}` resolves against, the OS crypto for
// secrets at rest, and how a config from the renderer (with `${stored:…}` references to the
// vault) or from a run's log becomes a loaded config through app/. The environment is the
// process env overridden by the selected studio environment's variables (environments.ts).
import type { Issue } from '../../shared/issues.js';
import { loadConfig, type Env, type Loaded } from '../app/config.js';
import type { Store } from '../store/db.js';
import type { SecretCrypto } from '../store/rows.js';
import { mergeSecrets, resolveSecretRefs, splitSecrets, withSecretRefs } from './vault.js';

/** Where the selected studio environment's variables come from (studio/environments.ts). */
export interface EnvironmentSource {
  /** The selected environment: its name (null: none) and its variables (secrets in clear, main only). */
  selected(): Promise<{ name: string | null; vars: Env }>;
  /** The variables of the environment named `name`, or null when no environment has that name. */
  byName(name: string): Promise<Env | null>;
}

export interface StudioContext {
  /** The process env the service was given (no studio environment applied). */
  readonly env: Env;
  /** The selected environment's name (null: none) and the env `${env:…}` resolves against now. */
  activeEnv(): Promise<{ name: string | null; env: Env }>;
  /** The env of the environment named `name` over the process env; null when it no longer exists. */
  envNamed(name: string | null): Promise<Env | null>;
  readonly crypto: SecretCrypto | undefined;
  readonly dbPath: string;
  /** The open store; rejects once the service is closed or failed to start. */
  store(): Promise<Store>;
  /** A config from the renderer → loaded (its `${stored:…}` secrets put back), against `env` or the active env. */
  load(value: unknown, env?: Env): Promise<Loaded>;
  /** The renderer's config with its stored secrets put back (still `${env:…}` unresolved). */
  withStoredSecrets(value: unknown): Promise<unknown>;
  /** What a run stores as its config: references, never clear secrets (invariant 6). */
  configForRun(value: unknown, destinationId?: string): unknown;
}

export function createStudioContext(opts: {
  env: Env;
  crypto: SecretCrypto | undefined;
  dbPath: string;
  store: () => Promise<Store>;
  environments?: EnvironmentSource;
}): StudioContext {
  const none: EnvironmentSource = { selected: async () => ({ name: null, vars: {} }), byName: async () => null };
  const source = opts.environments ?? none;
  /** The stored config with its secrets put back, for `${stored:…}` references. */
  const storedConfig = async (id: string): Promise<unknown> => {
    const row = (await opts.store()).getDestination(id, opts.crypto);
    if (!row) return null;
    if (row.secretsLocked) throw new Error(`destination "${row.name}": its secrets are encrypted and cannot be read on this machine; enter them again`);
    return mergeSecrets(row.config, row.secrets ?? {});
  };
  const vaultIssue = (err: unknown): Issue => ({ path: 'destination', message: (err as Error).message });
  const ctx: StudioContext = {
    env: opts.env,
    crypto: opts.crypto,
    dbPath: opts.dbPath,
    store: opts.store,
    async activeEnv() {
      const { name, vars } = await source.selected();
      return { name, env: { ...opts.env, ...vars } };
    },
    async envNamed(name) {
      if (name === null) return { ...opts.env };
      const vars = await source.byName(name);
      return vars ? { ...opts.env, ...vars } : null;
    },
    withStoredSecrets: (value) => resolveSecretRefs(value, storedConfig),
    async load(value, env) {
      let clear: unknown;
      try {
        clear = await ctx.withStoredSecrets(value);
      } catch (err) {
        return { ok: false, issues: [vaultIssue(err)] };
      }
      return loadConfig(clear, env ?? (await ctx.activeEnv()).env);
    },
    configForRun: (value, destinationId) => (destinationId ? withSecretRefs(value, destinationId) : splitSecrets(value).config),
  };
  return ctx;
}
