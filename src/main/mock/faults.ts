// Applies a Scenario at request time: for each request to a route, decides whether to
// answer normally (maybe after a delay) or with an injected answer, reset or hang.
// Everything that can be precomputed (bodies, headers, merged rules) is done once in the
// constructor so the per-request work is a counter, a PRNG draw and a lookup.

import { STATUS_CODES } from 'node:http';
import { hashString, mulberry32 as createPrng } from '../../shared/prng.js';
import { ROUTE_KEYS, type RouteKey, type RouteRule, type Scenario, type ScenarioAnswer } from './scenario.js';

export interface CompiledAnswer {
  kind: 'pass' | 'answer' | 'reset' | 'hang';
  status: number;
  headers: Record<string, string | number>;
  body: string;
  delayMs: number;
}

export interface Decision {
  answer: CompiledAnswer;
  /** Total delay before acting: the answer's delayMs plus the route's latency. */
  delayMs: number;
}

interface RouteState {
  sequence: CompiledAnswer[] | undefined;
  repeat: boolean;
  next: number;
  failureRate: number;
  failures: CompiledAnswer[] | undefined;
  latency: { min: number; max: number } | undefined;
  rng: () => number;
  latencyRng: () => number;
}

const PASS: CompiledAnswer = { kind: 'pass', status: 0, headers: {}, body: '', delayMs: 0 };

function errorCode(status: number): string {
  return (STATUS_CODES[status] ?? `http_${status}`).toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

export function compileAnswer(a: ScenarioAnswer): CompiledAnswer {
  const delayMs = a.delayMs ?? 0;
  if (a.reset) return { ...PASS, kind: 'reset', delayMs };
  if (a.hang) return { ...PASS, kind: 'hang', delayMs };
  if (a.passthrough || a.status === undefined) {
    // `{ delayMs: 500 }` alone means "answer normally, but late".
    return delayMs === 0 ? PASS : { ...PASS, delayMs };
  }
  const headers: Record<string, string | number> = { ...a.headers };
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  let body: string;
  let type: string | undefined;
  if (a.body === undefined) {
    body = a.status >= 400 ? JSON.stringify({ error: errorCode(a.status) }) : '';
    type = body ? 'application/json' : undefined;
  } else if (typeof a.body === 'string') {
    body = a.body;
    type = 'text/plain; charset=utf-8';
  } else {
    body = JSON.stringify(a.body);
    type = 'application/json';
  }
  if (!hasType && type) headers['content-type'] = type;
  return { kind: 'answer', status: a.status, headers, body, delayMs };
}

export class ScenarioRuntime {
  readonly scenario: Scenario;
  private routes = new Map<string, RouteState>();

  constructor(scenario: Scenario) {
    this.scenario = scenario;
    const seed = scenario.seed ?? 0x5eed;
    const any = scenario['*'];
    for (const key of ROUTE_KEYS) {
      const own: RouteRule | undefined = scenario[key];
      if (!own && !any) continue;
      // Field groups are taken from the route's own rule when it has them, else from "*".
      const seqRule = own?.sequence ? own : any?.sequence ? any : undefined;
      const failRule = own?.failureRate !== undefined ? own : any?.failureRate !== undefined ? any : undefined;
      const latRule = own?.latencyMs !== undefined ? own : any?.latencyMs !== undefined ? any : undefined;
      const lat = latRule?.latencyMs;
      const state: RouteState = {
        sequence: seqRule?.sequence?.map(compileAnswer),
        repeat: seqRule?.then === 'repeat',
        next: 0,
        failureRate: failRule?.failureRate ?? 0,
        failures: failRule?.failures?.map(compileAnswer),
        latency: lat === undefined ? undefined : typeof lat === 'number' ? { min: lat, max: lat } : lat,
        // Independent streams per route, so traffic on one route does not shift another's draws.
        rng: createPrng(seed ^ hashString(key)),
        latencyRng: createPrng(seed ^ hashString(`${key}:latency`)),
      };
      if (state.sequence || state.failureRate > 0 || state.latency) this.routes.set(key, state);
    }
  }

  /** What to do for the next request to `route`; null means "answer normally, now". */
  decide(route: RouteKey): Decision | null {
    const st = this.routes.get(route);
    if (!st) return null;
    let answer = PASS;
    const seq = st.sequence;
    if (seq && (st.repeat || st.next < seq.length)) {
      answer = seq[st.next % seq.length] ?? PASS;
      st.next++;
    } else if (st.failureRate > 0 && st.failures && st.rng() < st.failureRate) {
      answer = st.failures[Math.floor(st.rng() * st.failures.length)] ?? PASS;
    }
    let delayMs = answer.delayMs;
    if (st.latency) {
      const { min, max } = st.latency;
      delayMs += min === max ? min : min + st.latencyRng() * (max - min);
    }
    return { answer, delayMs };
  }
}
