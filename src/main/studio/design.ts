// The design tools: the live preview, Send this one, the JMESPath playground and the OAuth
// tester. Each is an app/ use case; here the results become the studio API's views, with
// every string redacted on its way out of main.
import type { AudienceResolution, JmesEvalResult, PreviewResult, ResponseView, StudioApi, TokenView } from '../../shared/api.js';
import { formatIssues, type Issue } from '../../shared/issues.js';
import { loadConfig, type Env, type Loaded } from '../app/config.js';
import { lookUpAudience, preview, recordsForPreview } from '../app/preview.js';
import { sendOne, successVerdict } from '../app/send-one.js';
import { fetchToken } from '../app/token.js';
import { forView } from '../engine/exact.js';
import { evaluate } from '../engine/jmes.js';
import { redactJson } from '../engine/redact.js';
import { audienceIn } from '../engine/plan.js';
import type { StudioContext } from './context.js';
import { sampleItems } from './samples.js';
import { requestView, responseView, tokenView } from './views.js';

export type DesignArea = Pick<StudioApi, 'preview' | 'sendPreviewed' | 'resolveAudience' | 'evaluateJmes' | 'testOAuth'>;

const DEFAULT_PREVIEW_LIMIT = 20;

/**
 * The config for the preview. A `${env:…}` variable that is not set (a preset's API key on
 * first launch) does not stop the preview: it stands as its own reference and its issue is
 * still listed, so the requests are planned and shown; Send this one and runs still refuse.
 */
async function loadForPreview(ctx: StudioContext, config: unknown): Promise<{ loaded: Loaded; unset: Issue[] }> {
  const loaded = await ctx.load(config);
  if (loaded.ok || !loaded.unsetEnv) return { loaded, unset: [] };
  const env: Env = { ...(await ctx.activeEnv()).env }; // the selected environment over the process env
  for (const name of loaded.unsetEnv) env[name] = `\${env:${name}}`;
  let clear: unknown;
  try {
    clear = await ctx.withStoredSecrets(config);
  } catch {
    return { loaded, unset: [] };
  }
  const again = loadConfig(clear, env);
  return again.ok ? { loaded: again, unset: loaded.issues } : { loaded, unset: [] };
}

export function createDesignTools(ctx: StudioContext): DesignArea {
  return {
    async preview({ config, setId, limit, remoteAudience }): Promise<PreviewResult> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const { loaded, unset } = await loadForPreview(ctx, config);
      if (!loaded.ok) return { requests: [], issues: loaded.issues, records: [], elapsedMs: elapsed() };
      const max = limit ?? DEFAULT_PREVIEW_LIMIT;
      const { items, file } = await sampleItems(ctx, setId, recordsForPreview(loaded, max));
      // Without what Resolve now found, run-time values show as ‹remote_audience.id›, not as "".
      const out = await preview(loaded, items, { limit: max, file, placeholders: true, showRefused: true, ...(remoteAudience !== undefined ? { remoteAudience } : {}) });
      return {
        requests: out.requests.map((r) => ({ ...requestView(r, loaded.redactor), ...(r.refused ? { refused: r.refused } : {}) })),
        issues: [...unset, ...out.errors],
        records: out.records.map((r) => ({ key: r.key, action: r.action, data: forView(r.data) })),
        elapsedMs: elapsed(),
        explanation: { ...out.explanation, reasons: out.explanation.reasons.map((r) => ({ ...r, reason: loaded.redactor.text(r.reason) })) },
        placeholders: out.placeholders,
        escaping: out.escaping,
      };
    },

    async resolveAudience({ config }): Promise<AudienceResolution> {
      const loaded = await ctx.load(config);
      if (!loaded.ok) return { found: false, message: formatIssues(loaded.issues) };
      const out = await lookUpAudience(loaded);
      const request = out.request ? { request: { method: out.request.method, url: loaded.redactor.text(out.request.url) } } : {};
      const status = out.result?.ok ? { status: out.result.status } : {};
      if (out.status === 'found') {
        return { found: true, value: forView(redactJson(loaded.redactor, out.value)), message: 'audience found', ...request, ...status };
      }
      return { found: false, message: out.message, ...request, ...status };
    },

    async sendPreviewed({ config, setId, step, index }): Promise<ResponseView> {
      const loaded = await ctx.load(config);
      if (!loaded.ok) return { ok: false, errorKind: 'config', error: formatIssues(loaded.issues) };
      const out = await sendOne(loaded, { step, index, records: (count) => sampleItems(ctx, setId, count) });
      if (out.ok) return responseView(out.result, loaded.redactor, out.verdict);
      if (out.result) return responseView(out.result, loaded.redactor, out.message);
      return { ok: false, errorKind: out.kind, error: out.message };
    },

    async evaluateJmes({ expression, data, purpose, recordCount }): Promise<JmesEvalResult> {
      const evaluated = evaluate(expression, data, 'expression');
      if (!evaluated.ok) {
        const failed: JmesEvalResult = { ok: false, error: evaluated.error.message };
        if (evaluated.error.column !== undefined) failed.column = evaluated.error.column;
        return failed;
      }
      const result: JmesEvalResult = { ok: true, value: evaluated.value };
      if (purpose === 'filter') {
        result.conclusion = audienceIn(evaluated.value).found ? 'audience found' : 'audience missing: create audience would run';
      } else if (purpose === 'success') {
        const keys = Array.from({ length: Math.min(100_000, Math.max(0, recordCount ?? 1)) }, (_, i) => `#${i + 1}`);
        result.conclusion = successVerdict(200, JSON.stringify(data ?? null), { successPath: expression }, keys);
      }
      return result;
    },

    async testOAuth({ config }): Promise<TokenView> {
      const loaded = await ctx.load(config);
      if (!loaded.ok) return { ok: false, errorKind: 'config', error: formatIssues(loaded.issues) };
      const out = await fetchToken(loaded);
      if (!out.ok) {
        const failed: TokenView = { ok: false, errorKind: out.kind, error: out.message };
        if ('exchange' in out && out.exchange) {
          failed.request = out.exchange.request;
          if (out.exchange.response) failed.response = out.exchange.response;
        }
        return failed;
      }
      return tokenView(out.exchange, loaded.redactor);
    },
  };
}
