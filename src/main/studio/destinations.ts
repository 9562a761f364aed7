// Saved destinations: list, open, save, delete, and the as-you-type check. Secrets are
// split out to the vault on save and come back to the renderer as references only.
import type { StudioApi } from '../../shared/api.js';
import type { ExportConfigInput } from '../../shared/config.js';
import { checkConfig } from '../app/check.js';
import type { StudioContext } from './context.js';
import { mergeSecrets, splitSecrets, withSecretRefs } from './vault.js';

export type DestinationsArea = Pick<StudioApi, 'listDestinations' | 'getDestination' | 'saveDestination' | 'deleteDestination' | 'validateConfig'>;

export function createDestinations(ctx: StudioContext): DestinationsArea {
  const area: DestinationsArea = {
    async listDestinations() {
      return (await ctx.store()).listDestinations().map((d) => ({ id: d.id, name: d.name, updatedAt: d.updatedAt }));
    },

    async getDestination(id) {
      const row = (await ctx.store()).getDestination(id, ctx.crypto);
      if (!row) return null;
      // Secrets stay in main: the renderer gets references it can send back unchanged.
      const merged = row.secretsLocked ? row.config : mergeSecrets(row.config, row.secrets ?? {});
      return { id: row.id, config: withSecretRefs(merged, row.id) as ExportConfigInput, updatedAt: row.updatedAt };
    },

    async saveDestination({ id, config }) {
      const store = await ctx.store();
      const clear = await ctx.withStoredSecrets(config);
      const { config: stored, secrets } = splitSecrets(clear);
      const saved = store.saveDestination({ ...(id ? { id } : {}), name: destinationName(clear), config: stored, secrets }, ctx.crypto);
      return { id: saved.id, issues: await area.validateConfig(config) };
    },

    async deleteDestination(id) {
      (await ctx.store()).deleteDestination(id);
    },

    // The same check the CLI runs before a run (app/check.ts): same configs refused, same words.
    async validateConfig(config) {
      const loaded = await ctx.load(config);
      if (!loaded.ok) return loaded.issues;
      return checkConfig(loaded);
    },
  };
  return area;
}

function destinationName(config: unknown): string {
  const d = (config as { destination?: { name?: unknown } } | null)?.destination;
  const name = typeof d?.name === 'string' ? d.name.trim() : '';
  return name || 'Untitled destination';
}
