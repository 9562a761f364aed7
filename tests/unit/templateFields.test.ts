import { describe, expect, it } from 'vitest';
import { checkTemplateFields, formatTemplateError, templateFields } from '../../src/main/engine/template/compile.js';

const known = ['id', 'email', 'ltv'];

describe('templateFields', () => {
  it('lists user fields in individual templates with their position', () => {
    expect(templateFields('{"id": "{{user.id}}",\n "e": {{json user.email}}, "n": "{{audience_name}}"}', 'json')).toEqual([
      { path: 'id', scope: 'user', line: 1, column: 11 },
      { path: 'email', scope: 'user', line: 2, column: 14 },
      { path: 'audience_name', scope: 'top', line: 2, column: 36 },
    ]);
  });
  it('lists bare paths inside {{#each users}} and ignores @data, ../ and helper names', () => {
    const fields = templateFields('[{{#each users}}{"id": "{{id}}", "e": "{{this.email}}", "i": {{@index}}, "o": "{{../organization_name}}"}{{#unless @last}},{{/unless}}{{/each}}]', 'json');
    expect(fields.map((f) => `${f.scope}:${f.path}`)).toEqual(['top:users', 'users:id', 'users:email', 'top:organization_name']);
  });
  it('reads fields used in block conditions and URLs', () => {
    expect(templateFields('{{#if user.vip}}1{{/if}}', 'text').map((f) => f.path)).toEqual(['vip']);
    expect(templateFields('https://x.io/{{remote_audience.id}}/{{user.id}}', 'url').map((f) => `${f.scope}:${f.path}`)).toEqual(['top:remote_audience.id', 'user:id']);
  });
});

describe('checkTemplateFields', () => {
  it('accepts the docs examples', () => {
    expect(checkTemplateFields('{"id": "{{user.id}}", "email": "{{user.email}}"}', 'json', 'individual', known)).toEqual([]);
    expect(checkTemplateFields('{"users": [{{#each users}}{"id": "{{id}}"}{{#unless @last}},{{/unless}}{{/each}}]}', 'json', 'batched', known)).toEqual([]);
  });
  it('names an unknown field with its line and column', () => {
    const errors = checkTemplateFields('{"email": "{{user.emial}}"}', 'json', 'individual', known);
    expect(errors).toHaveLength(1);
    expect(formatTemplateError({ template: 'add.bodyTemplate', ...errors[0]! })).toBe(
      'add.bodyTemplate line 1, column 14: "emial" is not a record field (known: id, email, ltv); did you mean "email"?',
    );
    expect(errors[0]!.field).toBe('emial');
  });
  it('checks bare fields inside each users', () => {
    const errors = checkTemplateFields('[{{#each users}}\n{"x": "{{phone}}"}{{/each}}]', 'json', 'batched', known);
    expect(errors).toMatchObject([{ line: 2, column: 10, field: 'phone', message: '"phone" is not a record field (known: id, email, ltv)' }]);
  });
  it('skips the field check when the fields are unknown', () => {
    expect(checkTemplateFields('{"x": "{{user.whatever}}"}', 'json', 'individual', null)).toEqual([]);
  });
  it('flags user in batched mode and users in individual mode', () => {
    expect(checkTemplateFields('{"id": "{{user.id}}"}', 'json', 'batched', known)[0]!.message).toMatch(/only available in individual mode/);
    expect(checkTemplateFields('[{{#each users}}{{json this}}{{/each}}]', 'json', 'individual', known)[0]!.message).toMatch(/"users" is only available in batched mode/);
  });
  it('flags misspelled top-level variables', () => {
    const [e] = checkTemplateFields('{"name": "{{audiance_name}}"}', 'json', 'individual', known);
    expect(e).toMatchObject({ line: 1, column: 13, field: 'audiance_name' });
    expect(e!.message).toMatch(/"audiance_name" is not a template variable .*did you mean "audience_name"\?/);
  });
  it('audience steps see no records', () => {
    expect(checkTemplateFields('{"name": "{{audience_name}}", "o": "{{organization_name}}"}', 'json', 'audience', known)).toEqual([]);
    expect(checkTemplateFields('{"name": "{{user.id}}"}', 'json', 'audience', known)[0]!.message).toMatch(/audience steps see no records/);
  });
  it('reports syntax errors as errors', () => {
    expect(checkTemplateFields('{{#each users}}', 'json', 'batched', known)[0]!.message).toMatch(/never closed/);
  });
});
