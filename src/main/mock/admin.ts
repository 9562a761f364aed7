// Admin routes under /_mock: never journaled, never subject to auth or the scenario.
//
//   GET    /_mock/health                      {ok, uptimeMs, scenario}
//   GET    /_mock/journal?since=N&limit=M     {entries, latestSeq, size}: entries with seq > N, at most M
//   DELETE /_mock/journal                     clears the journal → {cleared}
//   GET    /_mock/audiences                   {audiences: [{id,name,created_at,size,members}]}
//   DELETE /_mock/audiences                   forgets every audience and member
//   GET    /_mock/stats                       counters (see MockStats)
//   GET    /_mock/scenario                    the active scenario (null when none)
//   PUT    /_mock/scenario                    body: a scenario object, or a built-in name as a JSON string
//   DELETE /_mock/scenario                    back to normal answers

import type { AudienceStore } from './audiences.js';
import { builtInScenarios, isBuiltInScenarioName } from './builtin-scenarios.js';
import type { Journal } from './journal.js';
import { errorResponse, jsonResponse, type MockResponse } from './respond.js';
import { parseScenario, ScenarioError, type Scenario } from './scenario.js';

export interface AdminTarget {
  journal: Journal;
  audiences: AudienceStore;
  startedAt: number;
  stats(): unknown;
  getScenario(): Scenario | undefined;
  setScenario(s: Scenario | undefined): void;
}

function intParam(q: URLSearchParams, name: string, dflt: number): number | string {
  const v = q.get(name);
  if (v === null || v === '') return dflt;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : `${name} must be a non-negative integer, got ${JSON.stringify(v)}`;
}

export function handleAdmin(method: string, pathname: string, query: string, body: string, t: AdminTarget): MockResponse {
  const route = `${method} ${pathname.replace(/\/$/, '')}`;
  const q = new URLSearchParams(query);
  switch (route) {
    case 'GET /_mock/health':
      return jsonResponse(200, { ok: true, uptimeMs: Date.now() - t.startedAt, scenario: t.getScenario()?.name ?? null });
    case 'GET /_mock/journal': {
      const since = intParam(q, 'since', 0);
      const limit = intParam(q, 'limit', Number.MAX_SAFE_INTEGER);
      if (typeof since === 'string') return errorResponse(400, 'invalid_request', since);
      if (typeof limit === 'string') return errorResponse(400, 'invalid_request', limit);
      return jsonResponse(200, { entries: t.journal.since(since, limit), latestSeq: t.journal.latestSeq, size: t.journal.size });
    }
    case 'DELETE /_mock/journal': {
      const cleared = t.journal.size;
      t.journal.clear();
      return jsonResponse(200, { cleared });
    }
    case 'GET /_mock/audiences':
      return jsonResponse(200, { audiences: t.audiences.snapshot() });
    case 'DELETE /_mock/audiences':
      t.audiences.clear();
      return jsonResponse(200, { ok: true });
    case 'GET /_mock/stats':
      return jsonResponse(200, t.stats());
    case 'GET /_mock/scenario':
      return jsonResponse(200, { scenario: t.getScenario() ?? null });
    case 'DELETE /_mock/scenario':
      t.setScenario(undefined);
      return jsonResponse(200, { scenario: null });
    case 'PUT /_mock/scenario': {
      let value: unknown;
      try {
        value = JSON.parse(body);
      } catch (err) {
        return errorResponse(400, 'invalid_json', (err as Error).message);
      }
      try {
        let s: Scenario;
        if (typeof value === 'string') {
          if (!isBuiltInScenarioName(value)) return errorResponse(400, 'invalid_request', `unknown built-in scenario ${JSON.stringify(value)}`);
          s = builtInScenarios[value];
        } else {
          s = parseScenario(value, 'PUT /_mock/scenario');
        }
        t.setScenario(s);
        return jsonResponse(200, { scenario: s });
      } catch (err) {
        if (err instanceof ScenarioError) return jsonResponse(400, { error: 'invalid_scenario', message: err.message, issues: err.issues });
        throw err;
      }
    }
    default:
      return errorResponse(404, 'not_found', `no admin route ${route}`);
  }
}
