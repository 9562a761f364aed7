// Named scenarios shipped with the mock (`outbound mock --scenario flaky` style use, and the
// studio's scenario picker). Each is a plain Scenario value, valid against scenarioSchema.

import type { RouteRule, Scenario } from './scenario.js';

export const BUILT_IN_SCENARIO_NAMES = ['ok', 'rate-limited', 'flaky', 'slow', 'down', 'expired-tokens'] as const;
export type BuiltInScenarioName = (typeof BUILT_IN_SCENARIO_NAMES)[number];

const rateLimited: RouteRule = {
  failureRate: 0.3,
  failures: [{ status: 429, headers: { 'Retry-After': '1' }, body: { error: 'rate_limited', message: 'Too many requests, retry after 1 second' } }],
};

// Retryable failures only (no hang), so a run with retries on still completes.
const flaky: RouteRule = {
  failureRate: 0.2,
  failures: [
    { status: 500, body: { error: 'internal_error' } },
    { status: 502, body: { error: 'bad_gateway' } },
    { status: 503, headers: { 'Retry-After': '0' }, body: { error: 'service_unavailable' } },
    { status: 504, body: { error: 'gateway_timeout' } },
    { status: 429, headers: { 'Retry-After': '0' }, body: { error: 'rate_limited' } },
    { reset: true },
  ],
};

export const builtInScenarios: Record<BuiltInScenarioName, Scenario> = {
  ok: { name: 'ok', description: 'Every route answers normally.' },
  'rate-limited': {
    name: 'rate-limited',
    description: '30% of audience and member requests answer 429 with Retry-After: 1.',
    seed: 1,
    getAudience: rateLimited,
    createAudience: rateLimited,
    add: rateLimited,
    remove: rateLimited,
  },
  flaky: {
    name: 'flaky',
    description: '20% of requests fail with 500/502/503/504/429 or a connection reset; 10% of token requests answer 503.',
    seed: 42,
    token: { failureRate: 0.1, failures: [{ status: 503, body: { error: 'temporarily_unavailable' } }] },
    getAudience: flaky,
    createAudience: flaky,
    add: flaky,
    remove: flaky,
    webhook: flaky,
  },
  slow: {
    name: 'slow',
    description: 'Every answer is delayed by 200 to 800 ms.',
    seed: 7,
    '*': { latencyMs: { min: 200, max: 800 } },
  },
  down: {
    name: 'down',
    description: 'Every route answers 503, or resets the connection.',
    seed: 3,
    '*': {
      failureRate: 1,
      failures: [
        { status: 503, body: { error: 'service_unavailable' } },
        { status: 503, body: { error: 'service_unavailable' } },
        { reset: true },
      ],
    },
  },
  'expired-tokens': {
    name: 'expired-tokens',
    description: 'Tokens live 5 seconds, and every 25th API request answers 401 and revokes all tokens.',
    tokenTtlSeconds: 5,
    revokeTokensEvery: 25,
  },
};

export function isBuiltInScenarioName(name: string): name is BuiltInScenarioName {
  return (BUILT_IN_SCENARIO_NAMES as readonly string[]).includes(name);
}
