// The template problem list names the place once: the planner appends "(line L, column C)"
// to the message (for the CLI) and the list already shows "add.bodyTemplate line L, column C".
import { expect, it } from 'vitest';
import { createPlanner } from '../../src/main/engine/plan.js';
import { exportConfigSchema } from '../../src/shared/config.js';
import { describeWhere } from '../../src/renderer/editor/issues.js';
import { messageWithoutPlace } from '../../src/renderer/views/destination/TemplateIssues.js';

it('a broken body template shows its line and column once', () => {
  const config = exportConfigSchema.parse({
    version: 1,
    destination: { name: 'd', add: { url: 'http://127.0.0.1:1/add', bodyTemplate: '{"id": "{{#if id}}"}', batchMode: 'individual' } },
    audience: { name: 'a' },
    records: { key: 'id', mapping: { id: 'id' } },
  });
  const planned = createPlanner(config);
  expect(planned.ok).toBe(false);
  const issue = (planned as { issues: import('../../src/shared/issues.js').Issue[] }).issues.find((i) => i.line !== undefined)!;
  expect(issue.message).toMatch(/\(line \d+, column \d+\)$/); // what the CLI prints
  const shown = `${describeWhere(issue)} ${messageWithoutPlace(issue)}`;
  expect(shown.match(/line \d+, column \d+/g)).toHaveLength(1);
});

it('a message without the appended place is left as it is', () => {
  expect(messageWithoutPlace({ path: 'add.bodyTemplate:1:3', message: 'unknown helper shout' })).toBe('unknown helper shout');
});
