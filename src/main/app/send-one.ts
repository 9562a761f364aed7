// Send this one: the previewed request, sent once (no retry) so the developer sees exactly
// what the endpoint answered, with the verdict a run would reach. Add and remove need the
// real remote audience, so it is found (or created) first, as a run would.
import type { StepName } from '../../shared/config.js';
import { isSuccessStatus } from '../../shared/status.js';
import { findOrCreateAudience } from '../engine/audience.js';
import { createHttpClient } from '../engine/http.js';
import { TokenError } from '../engine/oauth.js';
import { createPlanner, recordsPerRequest } from '../engine/plan.js';
import { acknowledge, type Acknowledgement, type AckRules } from '../engine/success.js';
import { judgeAnswer } from '../engine/answer.js';
import type { HttpResult, PlannedRequest, SourceItem } from '../engine/types.js';
import { formatIssues } from '../../shared/issues.js';
import { createAuthorizer } from './authorize.js';
import type { LoadedConfig } from './config.js';
import { findPlanned, nthOf } from './planned.js';

export interface SendOneInput {
  step: StepName;
  /** 0-based, among the requests of `step` the preview planned. */
  index: number;
  /** The first `count` sample records, named `file` in record errors. */
  records(count: number): Promise<{ items: SourceItem[]; file: string }>;
}

export type SendOneOutcome =
  | { ok: true; request: PlannedRequest; result: HttpResult; verdict?: string }
  /** Nothing answered: why (`config`, `plan`, `oauth-<kind>`), redacted. */
  | { ok: false; kind: string; message: string; result?: HttpResult };

export async function sendOne(loaded: LoadedConfig, input: SendOneInput): Promise<SendOneOutcome> {
  const { config: cfg, redactor } = loaded;
  const { step, index } = input;
  const planned = createPlanner(cfg);
  if (!planned.ok) return { ok: false, kind: 'config', message: redactor.text(formatIssues(planned.issues)) };
  const planner = planned.planner;
  const client = createHttpClient({ timeoutMs: cfg.destination.timeoutMs, network: loaded.network });
  try {
    const authorize = createAuthorizer(cfg, client, redactor);
    let remoteAudience: unknown;
    const sends = step === 'add' || step === 'remove';
    if (sends && planner.steps.get) {
      const found = await findOrCreateAudience(planner, cfg.audience.name, {
        send: async (req) => client.execute(await authorize(req)),
        redact: (text) => redactor.text(text),
      });
      if (!found.ok) {
        const message = `${redactor.text(found.reason)}: the ${step} request was not sent`;
        return { ok: false, kind: 'plan', message, ...(found.result ? { result: found.result } : {}) };
      }
      remoteAudience = found.value;
    }
    const perRequest = sends ? recordsPerRequest(cfg.destination[step]) : 1;
    const { items, file } = await input.records((index + 1) * perRequest);
    const request = await findPlanned(
      { config: cfg, source: (async function* () { yield* items; })(), file, remoteAudience },
      nthOf(step, index),
    );
    if (!request) return { ok: false, kind: 'plan', message: `no ${step} request number ${index + 1} in the preview of these samples` };
    const result = await client.execute(await authorize(request));
    const verdict = result.ok ? verdictOf(loaded, request, result, planner, client.maxBodyBytes) : undefined;
    return { ok: true, request, result, ...(verdict ? { verdict: redactor.text(verdict) } : {}) };
  } catch (err) {
    if (err instanceof TokenError) return { ok: false, kind: `oauth-${err.kind}`, message: redactor.text(err.message) };
    throw new Error(redactor.text((err as Error).message));
  } finally {
    await client.close();
  }
}

/** What a run would conclude from this answer. */
function verdictOf(
  loaded: LoadedConfig,
  request: PlannedRequest,
  result: Extract<HttpResult, { ok: true }>,
  planner: Extract<ReturnType<typeof createPlanner>, { ok: true }>['planner'],
  capBytes: number,
): string | undefined {
  const step = request.step;
  const { status, body } = result;
  if (step === 'add' || step === 'remove') {
    // The run's reading (redirects, answers past the cap), not just the body's.
    return verdictLine(
      judgeAnswer(result, request.url, loaded.config.destination[step], request.recordKeys, capBytes, (t) => loaded.redactor.text(t)),
      request.recordKeys.length,
    );
  }
  if (step === 'getAudience') {
    const f = planner.findAudience(status, body, planner.context());
    return !f.ok ? f.reason : f.found ? 'audience found' : 'audience missing (create audience would run)';
  }
  return isSuccessStatus(status) ? 'audience created' : `create audience answered HTTP ${status}`;
}

/**
 * `3 of 10 records succeeded: …`: how a run reads an answer for records with these keys
 * (success.ts), and how many of those it takes as delivered when the answer does not name them.
 */
export function successVerdict(status: number, body: string, rules: AckRules, keys: readonly string[]): string {
  return verdictLine(acknowledge(status, body, rules, keys), keys.length);
}

function verdictLine(ack: Acknowledgement, n: number): string {
  const why = ack.reason ?? ack.records?.find((r) => r.status !== 'delivered')?.reason;
  const unconfirmed = ack.unconfirmed ? `, ${ack.succeeded - ack.unconfirmed} delivered` : '';
  return `${ack.succeeded} of ${n} record${n === 1 ? '' : 's'} succeeded${unconfirmed}${why ? `: ${why}` : ''}`;
}
