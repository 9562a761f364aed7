// The studio API, implemented from the engine, the store and the mock. No Electron here:
// the Electron main process, the browser test harness and unit tests all create it the
// same way (invariant 1). Preview and "send this one" go through the engine's planner
// (invariant 2); every string that leaves is redacted (invariant 6).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ApiIssue,
  DestinationSummary,
  JmesEvalResult,
  MockStatus,
  PreviewResult,
  ResponseView,
  SampleSetSummary,
  SavedDestination,
  StudioApi,
  TokenView,
} from '../../shared/api.js';
import type { ExportConfig, ExportConfigInput, StepName } from '../../shared/config.js';
import { resolveConfig, type Env } from '../engine/load.js';
import { createHttpClient } from '../engine/http.js';
import { evaluate } from '../engine/jmes.js';
import { createTokenProvider, fetchTokenOnce, TokenError, withBearer } from '../engine/oauth.js';
import { findOrCreateAudience } from '../engine/audience.js';
import { audienceIn, createPlanner, recordsPerRequest } from '../engine/plan.js';
import { previewExport } from '../engine/preview.js';
import { createRedactor, type Redactor } from '../engine/redact.js';
import { runExport } from '../engine/runner.js';
import { countSucceeded } from '../engine/success.js';
import type { PlannedRequest, SourceItem } from '../engine/types.js';
import { builtInScenarios, isBuiltInScenarioName, parseScenario, startMock, type MockServer, type Scenario } from '../mock/index.js';
import { readCsv } from '../sources/csv.js';
import { generateProfiles } from '../sources/sample.js';
import { parseJsonArrayText } from '../sources/json-array.js';
import { parseNdjsonText } from '../sources/ndjson.js';
import { openStore, type Store } from '../store/db.js';
import type { SecretCrypto } from '../store/rows.js';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_SAMPLE_COUNT,
  DEMO_SAMPLE_SEED,
  DEMO_SAMPLE_SET_NAME,
  DEMO_SECRET_ENV,
  demoConfig,
} from './demo.js';
import { moveMockOrigin, rememberedMockPort, rememberMockPort } from './mock-origin.js';
import { mergeSecrets, resolveSecretRefs, splitSecrets, withSecretRefs } from './vault.js';
import { configIssues, previewIssue, requestView, responseView, tokenView } from './views.js';
import { createRunManager } from './runs/manager.js';

export type { SecretCrypto } from '../store/rows.js';

export interface StudioServiceOptions {
  /** The SQLite file (`:memory:` in tests). */
  dbPath: string;
  /** Encrypts secrets at rest (Electron safeStorage). Without it only `${env:NAME}` secrets are saved. */
  crypto?: SecretCrypto;
  /** What `${env:NAME}` resolves against. Default: none. */
  env?: Env;
  /** Start the built-in mock endpoint at launch (default true): the first-launch example uses it. */
  startMockOnLaunch?: boolean;
  /** Preferred mock port; absent: the port of the last launch, else a free one. */
  mockPort?: number;
  /** Seed the example destination and profiles into an empty store (default true). */
  seedExample?: boolean;
}

export interface StudioService extends StudioApi {
  /** Resolves when the store is open, the mock is up and the first-launch example is seeded. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_PREVIEW_LIMIT = 20;
/** Profiles read from a sample set for one preview: bounded, whatever the set's size. */
const MAX_PREVIEW_SAMPLES = 1000;

export function createStudioService(opts: StudioServiceOptions): StudioService {
  const env: Env = { ...(opts.env ?? {}) };
  // The mock's demo secret is known to the service, so the example works without OS encryption.
  if (env[DEMO_SECRET_ENV] === undefined) env[DEMO_SECRET_ENV] = DEMO_CLIENT_SECRET;
  const crypto = opts.crypto;
  let store: Store | null = null;
  let mock: MockServer | null = null;
  let scenarioName = 'ok';
  let closed = false;

  const init = async (): Promise<void> => {
    store = openStore(opts.dbPath);
    if (opts.startMockOnLaunch !== false) {
      const previous = rememberedMockPort(opts.dbPath);
      await startMockServer(undefined, opts.mockPort ?? previous);
      if (previous !== undefined && mock && mock.port !== previous) moveMockOrigin(store, previous, mock.url);
      if (mock) rememberMockPort(opts.dbPath, mock.port);
    }
    if (opts.seedExample !== false) seedIfEmpty();
  };

  const startMockServer = async (scenario: Scenario | undefined, preferredPort?: number): Promise<void> => {
    const base = { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, ...(scenario ? { scenario } : {}) };
    try {
      mock = await startMock({ ...base, port: preferredPort ?? 0 });
    } catch (err) {
      if (!preferredPort) throw err;
      mock = await startMock({ ...base, port: 0 }); // the preferred port is taken: any free one
    }
  };

  const seedIfEmpty = (): void => {
    const s = store!;
    if (s.listDestinations().length > 0 || s.listSampleSets().length > 0) return;
    if (mock) {
      const secret = crypto ? DEMO_CLIENT_SECRET : `\${env:${DEMO_SECRET_ENV}}`;
      const config = demoConfig(mock.url, secret);
      const { config: stored, secrets } = splitSecrets(config);
      s.saveDestination({ name: config.destination.name, config: stored, secrets }, crypto);
    }
    s.createSampleSet(DEMO_SAMPLE_SET_NAME, generateProfiles(DEMO_SAMPLE_COUNT, DEMO_SAMPLE_SEED));
  };

  const ready = init();
  // A failed start is reported by every call; keep it from being an unhandled rejection.
  ready.catch(() => undefined);

  const open = async (): Promise<Store> => {
    await ready;
    if (closed || !store) throw new Error('the studio service is closed');
    return store;
  };

  /** The stored config with its secrets put back, for `${stored:…}` references. */
  const storedConfig = async (id: string): Promise<unknown> => {
    const row = (await open()).getDestination(id, crypto);
    if (!row) return null;
    if (row.secretsLocked) throw new Error(`destination "${row.name}": its secrets are encrypted and cannot be read on this machine; enter them again`);
    return mergeSecrets(row.config, row.secrets ?? {});
  };

  /** Config from the renderer → validated config, its secrets, and a redactor for them. */
  const load = async (
    value: unknown,
  ): Promise<{ ok: true; config: ExportConfig; redactor: Redactor; secrets: string[] } | { ok: false; issues: ApiIssue[] }> => {
    let resolvedRefs: unknown;
    try {
      resolvedRefs = await resolveSecretRefs(value, storedConfig);
    } catch (err) {
      return { ok: false, issues: [{ path: 'destination', message: (err as Error).message }] };
    }
    const result = resolveConfig(resolvedRefs, env);
    if (!result.ok) return { ok: false, issues: configIssues(result.issues, createRedactor(envSecretsIn(value))) };
    return { ok: true, config: result.config, secrets: result.secrets, redactor: createRedactor(result.secrets) };
  };

  /** Values `${env:…}` references in a config resolve to, so issues never echo them. */
  const envSecretsIn = (value: unknown): string[] => {
    const out: string[] = [];
    const text = JSON.stringify(value ?? null);
    for (const m of text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
      const v = env[m[1]!];
      if (v) out.push(v);
    }
    return out;
  };

  const sampleItems = async (setId: string, count: number): Promise<{ items: SourceItem[]; name: string }> => {
    const s = await open();
    const set = s.listSampleSets().find((x) => x.id === setId);
    if (!set) throw new Error(`sample set ${setId} not found`);
    const values = s.getSamples(setId, 0, Math.min(count, MAX_PREVIEW_SAMPLES));
    return { items: values.map((value, i) => ({ ok: true, line: i + 1, value })), name: set.name };
  };

  const runs = createRunManager({
    open,
    load,
    resolveStored: async (raw) => {
      try {
        return resolveConfig(await resolveSecretRefs(raw, storedConfig), env);
      } catch (err) {
        return { ok: false, issues: [{ path: 'destination', message: (err as Error).message }] };
      }
    },
    // A run's stored config keeps references, never clear secrets (invariant 6).
    configForStore: (value, destinationId) => (destinationId ? withSecretRefs(value, destinationId) : splitSecrets(value).config),
  });

  const service: StudioService = {
    ready,
    ...runs,

    async listDestinations(): Promise<DestinationSummary[]> {
      return (await open()).listDestinations().map((d) => ({ id: d.id, name: d.name, updatedAt: d.updatedAt }));
    },

    async getDestination(id): Promise<SavedDestination | null> {
      const row = (await open()).getDestination(id, crypto);
      if (!row) return null;
      // Secrets stay in main: the renderer gets references it can send back unchanged.
      const merged = row.secretsLocked ? row.config : mergeSecrets(row.config, row.secrets ?? {});
      return { id: row.id, config: withSecretRefs(merged, row.id) as ExportConfigInput, updatedAt: row.updatedAt };
    },

    async saveDestination({ id, config }) {
      const s = await open();
      const clear = await resolveSecretRefs(config, storedConfig);
      const { config: stored, secrets } = splitSecrets(clear);
      const name = destinationName(clear);
      const saved = s.saveDestination({ ...(id ? { id } : {}), name, config: stored, secrets }, crypto);
      return { id: saved.id, issues: await service.validateConfig(config) };
    },

    async deleteDestination(id) {
      (await open()).deleteDestination(id);
    },

    async validateConfig(config) {
      const loaded = await load(config);
      if (!loaded.ok) return loaded.issues;
      const planned = createPlanner(loaded.config);
      if (planned.ok) return [];
      return planned.issues.map((i) =>
        previewIssue({ where: i.path, message: i.message, ...optional(i) }, loaded.redactor),
      );
    },

    async listSampleSets(): Promise<SampleSetSummary[]> {
      return (await open()).listSampleSets().map(setSummary);
    },

    async generateSamples({ name, count, seed }) {
      const s = await open();
      const actualSeed = seed ?? 1;
      return setSummary(s.createSampleSet(name?.trim() || `${count} generated profiles (seed ${actualSeed})`, generateProfiles(count, actualSeed)));
    },

    async importSamples({ name, format, text }) {
      const s = await open();
      const items = await parseSamples(format, text);
      const issues: ApiIssue[] = [];
      const values: unknown[] = [];
      for (const item of items) {
        if (item.ok) values.push(item.value);
        else if (issues.length < 100) issues.push({ path: `${name}:${item.line}`, message: item.error, line: item.line });
      }
      return { set: setSummary(s.createSampleSet(name, values)), issues };
    },

    async getSamples({ setId, offset, limit }) {
      return (await open()).getSamples(setId, offset ?? 0, limit ?? 100);
    },

    async preview({ config, setId, limit }): Promise<PreviewResult> {
      const started = performance.now();
      const loaded = await load(config);
      if (!loaded.ok) return { requests: [], issues: loaded.issues, records: [], elapsedMs: Math.round(performance.now() - started) };
      const max = limit ?? DEFAULT_PREVIEW_LIMIT;
      const { config: cfg, redactor } = loaded;
      // Enough profiles to fill `max` requests of the largest batch.
      const perRequest = Math.max(cfg.destination.add.enabled ? batchOf(cfg, 'add') : 1, cfg.destination.remove.enabled ? batchOf(cfg, 'remove') : 1);
      const { items, name } = await sampleItems(setId, max * perRequest);
      const out = await previewExport(cfg, items, { limit: max, file: name, secrets: loaded.secrets });
      return {
        requests: out.requests.map((r) => requestView(r, redactor)),
        issues: out.errors.map((e) => previewIssue(e, redactor)),
        records: out.records.map((r) => ({ key: r.key, action: r.action, data: r.data })),
        elapsedMs: Math.round(performance.now() - started),
      };
    },

    async sendPreviewed({ config, setId, step, index }): Promise<ResponseView> {
      const loaded = await load(config);
      if (!loaded.ok) return { ok: false, errorKind: 'config', error: loaded.issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
      const { config: cfg, redactor } = loaded;
      const client = createHttpClient({ timeoutMs: cfg.destination.timeoutMs });
      try {
        const provider = cfg.destination.oauth ? createTokenProvider(cfg.destination.oauth, client) : null;
        const authorize = async (req: PlannedRequest): Promise<PlannedRequest> => {
          if (!provider) return req;
          const token = await provider.getToken();
          redactor.add(token);
          return { ...req, ...withBearer(req, token) };
        };
        // Add and remove need the real remote audience: find (or create) it as a run would.
        let remoteAudience: unknown;
        const planned = createPlanner(cfg);
        if (!planned.ok) return { ok: false, errorKind: 'config', error: planned.issues.map((i) => `${i.path}: ${redactor.text(i.message)}`).join('; ') };
        const planner = planned.planner;
        if ((step === 'add' || step === 'remove') && planner.steps.get) {
          // Sent once each, no retries: the developer sees exactly what the endpoint answered.
          const found = await findOrCreateAudience(planner, cfg.audience.name, {
            send: async (req) => client.execute(await authorize(req)),
            redact: (text) => redactor.text(text),
          });
          if (!found.ok) {
            const why = `${redactor.text(found.reason)}: the ${step} request was not sent`;
            return found.result ? responseView(found.result, redactor, why) : { ok: false, errorKind: 'plan', error: why };
          }
          remoteAudience = found.value;
        }
        const perRequest = step === 'add' || step === 'remove' ? batchOf(cfg, step) : 1;
        const { items, name } = await sampleItems(setId, (index + 1) * perRequest);
        const request = await plannedRequest(cfg, items, name, step, index, remoteAudience);
        if (!request) return { ok: false, errorKind: 'plan', error: `no ${step} request number ${index + 1} in the preview of these samples` };
        const result = await client.execute(await authorize(request));
        let verdict: string | undefined;
        if (result.ok && (step === 'add' || step === 'remove')) {
          const n = request.recordKeys.length;
          const c = countSucceeded(result.status, result.body, cfg.destination[step].successPath, n);
          verdict = `${c.succeeded} of ${n} record${n === 1 ? '' : 's'} succeeded${c.reason ? `: ${c.reason}` : ''}`;
        } else if (result.ok && step === 'getAudience') {
          const f = planner.findAudience(result.status, result.body, planner.context());
          verdict = !f.ok ? f.reason : f.found ? 'audience found' : 'audience missing (create audience would run)';
        } else if (result.ok && step === 'createAudience') {
          verdict = result.status >= 200 && result.status <= 299 ? 'audience created' : `create audience answered HTTP ${result.status}`;
        }
        return responseView(result, redactor, verdict && redactor.text(verdict));
      } catch (err) {
        if (err instanceof TokenError) return { ok: false, errorKind: `oauth-${err.kind}`, error: redactor.text(err.message) };
        throw new Error(redactor.text((err as Error).message));
      } finally {
        await client.close();
      }
    },

    async evaluateJmes({ expression, data, purpose, recordCount }): Promise<JmesEvalResult> {
      const evaluated = evaluate(expression, data, 'expression');
      if (!evaluated.ok) return { ok: false, error: evaluated.error.message };
      const value = evaluated.value;
      const result: JmesEvalResult = { ok: true, value };
      if (purpose === 'filter') {
        result.conclusion = audienceIn(value).found ? 'audience found' : 'audience missing: create audience would run';
      } else if (purpose === 'success') {
        const n = recordCount ?? 1;
        const c = countSucceeded(200, JSON.stringify(data ?? null), expression, n);
        result.conclusion = `${c.succeeded} of ${n} record${n === 1 ? '' : 's'} succeeded${c.reason ? `: ${c.reason}` : ''}`;
      }
      return result;
    },

    async testOAuth({ config }): Promise<TokenView> {
      const loaded = await load(config);
      if (!loaded.ok) return { ok: false, errorKind: 'config', error: loaded.issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
      const oauth = loaded.config.destination.oauth;
      if (!oauth) return { ok: false, errorKind: 'config', error: 'destination.oauth: not set — add a token URL, client id and client secret' };
      const client = createHttpClient({ timeoutMs: loaded.config.destination.timeoutMs });
      try {
        return tokenView(await fetchTokenOnce(oauth, client), loaded.redactor);
      } catch (err) {
        if (err instanceof TokenError) return { ok: false, errorKind: err.kind, error: loaded.redactor.text(err.message) };
        return { ok: false, errorKind: 'unexpected', error: loaded.redactor.text((err as Error).message) };
      } finally {
        await client.close();
      }
    },

    async mockStatus(): Promise<MockStatus> {
      await open();
      return mockStatus();
    },

    async startMock({ scenario } = {}) {
      await open();
      const parsed = scenario === undefined ? undefined : parseScenarioText(scenario);
      if (mock) mock.setScenario(parsed?.scenario);
      else await startMockServer(parsed?.scenario, rememberedMockPort(opts.dbPath));
      scenarioName = parsed?.name ?? (scenario === undefined ? scenarioName : 'ok');
      return mockStatus();
    },

    async stopMock() {
      await open();
      const m = mock;
      mock = null;
      await m?.close();
      return mockStatus();
    },

    async mockJournal({ since, limit }) {
      await open();
      if (!mock) return { latestSeq: 0, entries: [] };
      const entries = mock.journal.since(since ?? Math.max(0, mock.journal.latestSeq - (limit ?? 200)), limit ?? 200);
      return {
        latestSeq: mock.journal.latestSeq,
        entries: entries.map((e) => ({
          seq: e.seq,
          time: e.time,
          method: e.method,
          path: e.path,
          status: e.status,
          route: e.route,
          injected: e.injected,
          ...(e.fault ? { fault: e.fault } : {}),
          // The mock answers a curl or a run: the body shows what arrived (cut: this is a live list).
          body: e.body.length > 4096 ? e.body.slice(0, 4096) : e.body,
          bodyBytes: Buffer.byteLength(e.body, 'utf8'),
        })),
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      await ready.catch(() => undefined);
      // Live runs stop first so their logs are written; they stay resumable.
      await runs.stopAll().catch(() => undefined);
      const m = mock;
      mock = null;
      await m?.close();
      store?.close();
      store = null;
    },
  };

  const mockStatus = (): MockStatus =>
    mock ? { running: true, url: mock.url, port: mock.port, scenario: scenarioName, journalSize: mock.journal.size } : { running: false, scenario: scenarioName, journalSize: 0 };

  return service;
}

/** Plans (dry run, sender off) and returns the unredacted `index`-th request of `step`. */
async function plannedRequest(
  config: ExportConfig,
  items: SourceItem[],
  file: string,
  step: StepName,
  index: number,
  remoteAudience: unknown,
): Promise<PlannedRequest | undefined> {
  let seen = 0;
  let found: PlannedRequest | undefined;
  const stop = new AbortController();
  await runExport({
    config,
    source: (async function* () {
      yield* items;
    })(),
    file,
    runId: 'send-previewed',
    dryRun: true,
    signal: stop.signal,
    ...(remoteAudience !== undefined ? { remoteAudience } : {}),
    onPlanned: (req) => {
      if (found || req.step !== step) return;
      if (seen++ === index) {
        found = req;
        stop.abort();
      }
    },
  }).catch((err: unknown) => {
    if (!found) throw err;
  });
  return found;
}

function batchOf(config: ExportConfig, step: 'add' | 'remove'): number {
  return recordsPerRequest(config.destination[step]);
}

function optional(i: { template?: string; line?: number; column?: number; field?: string }) {
  return {
    ...(i.template !== undefined ? { template: i.template } : {}),
    ...(i.line !== undefined ? { line: i.line } : {}),
    ...(i.column !== undefined ? { column: i.column } : {}),
    ...(i.field !== undefined ? { field: i.field } : {}),
  };
}

function setSummary(s: { id: string; name: string; count: number }): SampleSetSummary {
  return { id: s.id, name: s.name, count: s.count };
}

function destinationName(config: unknown): string {
  const d = (config as { destination?: { name?: unknown } } | null)?.destination;
  const name = typeof d?.name === 'string' ? d.name.trim() : '';
  return name || 'Untitled destination';
}

async function parseSamples(format: 'ndjson' | 'csv' | 'json', text: string): Promise<SourceItem[]> {
  if (format === 'ndjson') return parseNdjsonText(text);
  if (format === 'json') return parseJsonArrayText(text);
  // The CSV reader streams from a file: give it one, so CSV rules live in one place.
  const dir = await mkdtemp(join(tmpdir(), 'outbound-import-'));
  try {
    const file = join(dir, 'samples.csv');
    await writeFile(file, text, 'utf8');
    const items: SourceItem[] = [];
    for await (const item of readCsv(file)) items.push(item);
    return items;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A built-in scenario name, or a scenario as JSON text. */
function parseScenarioText(text: string): { name: string; scenario: Scenario | undefined } {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'ok') return { name: 'ok', scenario: undefined };
  if (isBuiltInScenarioName(trimmed)) return { name: trimmed, scenario: builtInScenarios[trimmed] };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw new Error(`scenario: "${trimmed.slice(0, 60)}" is neither a built-in scenario (${Object.keys(builtInScenarios).join(', ')}) nor JSON`);
  }
  const scenario = parseScenario(value, 'scenario');
  return { name: scenario.name ?? 'custom', scenario };
}
