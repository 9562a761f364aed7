import { renderTemplate } from './src/main/engine/template.ts';
const ctx = { audience_name: "O'Brien \\ Co", audience_id: 'a1', organization_name: 'Acme', remote_audience: { id: 'a/b c' },
  user: { id: 'u"1', email: 'x@y', vip: true, n: 3, tags: ['a', 'b'], name: 'line\nbreak\u2028 </script> {{user.id}}' },
  users: [{ id: '1' }, { id: '2"' }, { id: 3 }] };
const cases: Array<[string, any]> = [
  ['{"id": "{{user.id}}", "email": "{{user.email}}"}', 'json'],
  ['{"users": [{{#each users}}{"id": "{{id}}"}{{#unless @last}},{{/unless}}{{/each}}]}', 'json'],
  ['{"vip": {{user.vip}}}', 'json'],
  ['{"a": {"b": {{user.n}}}}', 'json'],
  ['{"t": {{json user.tags}}, "s": "{{json user.tags}}", "m": {{user.missing}}, "ms": "{{user.missing}}"}', 'json'],
  ['{"name": "{{user.name}}", "raw": {{{json user}}}}', 'json'],
  ['[{{{json user.tags}}}]', 'json'],
  ['{"c": "{{user.constructor}}{{__proto__}}{{user.__proto__}}"}', 'json'],
  ['https://x.com/lists/{{remote_audience.id}}/members/{{user.id}}', 'url'],
  ["tables[?name=='{{audience_name}}']", 'jmespath'],
  ["tables[?name=='{{audience_id}}']", 'jmespath'],
  ["tables[?name=={{audience_name}}]", 'jmespath'],
  ['tables[?name==`"{{audience_name}}"`]', 'jmespath'],
  ['{"x": {{user.}}}', 'json'],
  ['{"x": {{#each users}}', 'json'],
  ['{"x": \n  {{foo bar=}}}', 'json'],
  ['{"x": {{user.id}} }', 'json'],
  ['Bearer {{user.name}}', 'header'],
];
for (const [src, kind] of cases) console.log(src, '\n   =>', JSON.stringify(renderTemplate(src, kind, ctx, { name: 't' })));
