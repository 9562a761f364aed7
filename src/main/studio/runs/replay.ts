// Re-sending a logged request: copy as cURL (secrets masked, or revealed on request) and
// replay, either as logged or planned again with the current template, compared with what
// the endpoint answered during the run.
import type { ResponseView, StudioApi } from '../../../shared/api.js';
import { formatIssues } from '../../../shared/issues.js';
import { isSuccessStatus } from '../../../shared/status.js';
import { createAuthorizer, signNow } from '../../app/authorize.js';
import type { LoadedConfig } from '../../app/config.js';
import { toCurl } from '../../app/curl.js';
import { carrying, findPlanned } from '../../app/planned.js';
import { inputFromPath, inputLabel, openRunInput } from '../../app/run/input.js';
import { MASK, type HttpResult } from '../../app/types.js';
import { createHttpClient, type HttpClient } from '../../engine/http.js';
import type { HttpRequestSpec, PlannedRequest } from '../../engine/types.js';
import type { Store } from '../../store/db.js';
import type { RequestRow, RunRow } from '../../store/rows.js';
import type { StudioContext } from '../context.js';
import { responseView } from '../views.js';

export type ReplayArea = Pick<StudioApi, 'copyAsCurl' | 'replayRequest'>;

export function createReplay(ctx: StudioContext): ReplayArea {
  const rowOf = async (runId: string, id: number): Promise<{ store: Store; row: RequestRow }> => {
    const store = await ctx.store();
    const [row] = store.runRequests(runId, { afterId: id - 1, limit: 1 });
    if (!row || row.id !== id) throw new Error(`run ${runId}: no request #${id}`);
    return { store, row };
  };

  /** The env a run resolved `${env:…}` against: the studio environment it recorded (by name), else the process env. */
  const runEnv = async (store: Store, runId: string) => {
    const name = store.runEnvironment(runId);
    const env = await ctx.envNamed(name);
    if (!env) throw new Error(`run ${runId} used the environment "${name}", which no longer exists; create it again to replay with its variables`);
    return env;
  };

  /** The run's own config, loaded (its references resolved against the run's environment). */
  const runConfig = async (store: Store, runId: string, run: RunRow | null): Promise<LoadedConfig> => {
    const loaded = run ? await ctx.load(run.config, await runEnv(store, runId)) : null;
    if (!loaded?.ok) throw new Error(`run ${runId}: its config cannot be resolved to reveal secrets`);
    return loaded;
  };

  return {
    async copyAsCurl({ runId, id, reveal }) {
      const { store, row } = await rowOf(runId, id);
      const spec = loggedSpec(row);
      if (!reveal || !Object.values(spec.headers).some((v) => v.includes(MASK) || v.includes('${env:'))) return toCurl(spec);
      const loaded = await runConfig(store, runId, store.getRun(runId));
      const client = createHttpClient({ timeoutMs: 30_000, network: loaded.network });
      try {
        return toCurl(await unmask(spec, loaded, client));
      } finally {
        await client.close();
      }
    },

    async replayRequest({ runId, id, mode, config }) {
      const { store, row } = await rowOf(runId, id);
      const run = store.getRun(runId)!;
      const loaded = config !== undefined ? await ctx.load(config) : await ctx.load(run.config, await runEnv(store, runId));
      if (!loaded.ok) throw new Error(`the config cannot be used: ${formatIssues(loaded.issues)}`);
      const client = createHttpClient({ timeoutMs: loaded.config.destination.timeoutMs, network: loaded.network });
      try {
        let spec: HttpRequestSpec;
        if (mode === 'logged') {
          spec = await unmask(loggedSpec(row), loaded, client);
        } else {
          const planned = await rerender(store, run, row, loaded);
          if (!planned) throw new Error(`request #${id}: its records no longer plan a ${row.step} request with the current template`);
          spec = await createAuthorizer(loaded.config, client, loaded.redactor)(planned);
        }
        const result: HttpResult = await client.execute(spec);
        const replayed = responseView(result, loaded.redactor);
        const logged = loggedResponse(row);
        return {
          mode,
          request: { method: spec.method, url: loaded.redactor.text(spec.url), headers: loaded.redactor.headers(spec.headers), ...(spec.body !== undefined ? { body: loaded.redactor.text(spec.body) } : {}) },
          logged,
          replayed,
          same: logged.status === replayed.status && (logged.body ?? '') === (replayed.body ?? ''),
        };
      } finally {
        await client.close();
      }
    },
  };
}

/**
 * A logged request's headers with masked values put back (config headers, a fresh token), and
 * signed again now over the body it carries when the destination signs (a logged timestamp
 * would be stale).
 */
async function unmask(req: HttpRequestSpec, loaded: LoadedConfig, client: HttpClient): Promise<HttpRequestSpec> {
  // The log shows a secret as the mask, or an env value as its `${env:NAME}` reference.
  const masked = Object.entries(req.headers).filter(([, v]) => v.includes(MASK) || v.includes('${env:'));
  if (masked.length === 0) return signNow(loaded.config, req);
  const headers: Record<string, string> = { ...req.headers };
  const configured = Object.entries(loaded.config.destination.headers as Record<string, string>);
  for (const [name] of masked) {
    const own = configured.find(([h]) => h.toLowerCase() === name.toLowerCase());
    if (own && !own[1].includes('{{')) headers[name] = own[1];
  }
  const out: HttpRequestSpec = { ...req, headers };
  const auth = Object.keys(headers).find((h) => h.toLowerCase() === 'authorization');
  if (auth && headers[auth]!.includes(MASK)) return signNow(loaded.config, await createAuthorizer(loaded.config, client, loaded.redactor)(out));
  return signNow(loaded.config, out);
}

function loggedSpec(row: RequestRow): HttpRequestSpec {
  return { method: row.method, url: row.url, headers: row.requestHeaders, ...(row.requestBody !== null ? { body: row.requestBody } : {}) };
}

/** Plans the request again for the same records with `loaded` (a dry run over the run's input). */
async function rerender(store: Store, run: RunRow, row: RequestRow, loaded: LoadedConfig): Promise<PlannedRequest | undefined> {
  if (!run.inputPath) return undefined;
  const input = inputFromPath(run.inputPath);
  const stop = new AbortController();
  try {
    return await findPlanned(
      { config: loaded.config, source: openRunInput(store, input, stop.signal), file: inputLabel(store, input), remoteAudience: run.remoteAudience, signal: stop.signal },
      carrying(row.step, row.recordKeys),
    );
  } finally {
    stop.abort();
  }
}

function loggedResponse(r: RequestRow): ResponseView {
  if (r.status === null) {
    return { ok: false, errorKind: r.errorKind ?? 'none', error: r.errorMessage ?? 'no response recorded', ...(r.totalMs !== null ? { timings: { ttfb: r.ttfbMs ?? 0, total: r.totalMs } } : {}) };
  }
  return {
    ok: isSuccessStatus(r.status),
    status: r.status,
    headers: r.responseHeaders ?? {},
    body: r.responseBody ?? '',
    bodyBytes: r.bodyBytes ?? 0,
    truncated: r.truncated,
    ...(r.totalMs !== null ? { timings: { ttfb: r.ttfbMs ?? 0, total: r.totalMs } } : {}),
  };
}

