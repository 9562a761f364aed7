// Public surface of the mock endpoint.
export { startMock, type MockOptions, type MockServer, type MockStats } from './server.js';
export { Journal, type JournalEntry, type JournalListener } from './journal.js';
export { AudienceStore, type Audience, type AudienceWithMembers } from './audiences.js';
export { MOCK_ROUTES, type MockRouteInfo } from './routes.js';
export {
  scenarioSchema,
  answerSchema,
  routeRuleSchema,
  parseScenario,
  loadScenarioFile,
  ScenarioError,
  ROUTE_KEYS,
  type RouteKey,
  type RouteRule,
  type Scenario,
  type ScenarioAnswer,
} from './scenario.js';
export { builtInScenarios, BUILT_IN_SCENARIO_NAMES, isBuiltInScenarioName, type BuiltInScenarioName } from './builtin-scenarios.js';
