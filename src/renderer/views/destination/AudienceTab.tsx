// The Audience tab: the audience's identity, the get and create audience steps, and a
// JMESPath playground.
import { CheckboxField, Field, Section, SelectField, TextField } from '../../components/controls.js';
import { TemplateEditor } from '../../editor/TemplateEditor.js';
import { markersFor } from '../../editor/issues.js';
import { edit, useStudio } from '../../state/studio.js';
import { JmesPlayground } from '../JmesPlayground.js';
import { TemplateIssueList, useTemplateIssues } from './TemplateIssues.js';

export function AudienceTab() {
  const form = useStudio((s) => s.form);
  const getIssues = useTemplateIssues('getAudience');
  const createIssues = useTemplateIssues('createAudience');
  return (
    <>
      <Section title="Audience">
        <TextField label="Audience name" path="audience.name" value={form.audience.name} onChange={(v) => edit((f) => void (f.audience.name = v))} />
        <TextField label="Audience ID" path="audience.id" mono value={form.audience.id} onChange={(v) => edit((f) => void (f.audience.id = v))} />
        <TextField
          label="Organization name"
          path="audience.organizationName"
          value={form.audience.organizationName}
          onChange={(v) => edit((f) => void (f.audience.organizationName = v))}
        />
      </Section>
      <Section title="Get audience">
        <CheckboxField
          label="Get audience enabled"
          path="destination.getAudience.enabled"
          checked={form.getAudience.enabled}
          onChange={(v) =>
            edit((f) => {
              f.getAudience.enabled = v;
              // Create runs only when get finds nothing: it cannot stay on alone.
              if (!v) f.createAudience.enabled = false;
            })
          }
          hint="Look the audience up before sending members; the found element is {{remote_audience}}."
        />
        {form.getAudience.enabled && (
          <>
            <SelectField
              label="Get audience HTTP method"
              path="destination.getAudience.method"
              value={form.getAudience.method as 'GET' | 'POST'}
              options={['GET', 'POST'] as const}
              onChange={(v) => edit((f) => void (f.getAudience.method = v))}
            />
            <Field label="Get audience URL template" path="destination.getAudience.url" wide>
              {(a) => (
                <TemplateEditor
                  id={a.id}
                  label="Get audience URL template"
                  singleLine
                  value={form.getAudience.url}
                  markers={markersFor(getIssues, 'getAudience.url')}
                  onChange={(v) => edit((f) => void (f.getAudience.url = v))}
                />
              )}
            </Field>
            <TextField
              label="Filter path (JMESPath)"
              path="destination.getAudience.filterPath"
              mono
              wide
              value={form.getAudience.filterPath}
              placeholder="tables[?name=='{{audience_name}}']"
              onChange={(v) => edit((f) => void (f.getAudience.filterPath = v))}
              hint="A template itself. An empty result means the audience is missing."
            />
            <TemplateIssueList issues={getIssues} />
          </>
        )}
      </Section>
      <Section title="Create audience">
        <CheckboxField
          label="Create audience enabled"
          path="destination.createAudience.enabled"
          checked={form.createAudience.enabled}
          disabled={!form.getAudience.enabled}
          onChange={(v) => edit((f) => void (f.createAudience.enabled = v))}
          hint={form.getAudience.enabled ? 'Runs only when get finds nothing.' : 'Enable get audience first: create runs only when get finds nothing.'}
        />
        {form.createAudience.enabled && (
          <>
            <SelectField
              label="Create audience HTTP method"
              path="destination.createAudience.method"
              value={form.createAudience.method as 'POST' | 'PUT'}
              options={['POST', 'PUT'] as const}
              onChange={(v) => edit((f) => void (f.createAudience.method = v))}
            />
            <Field label="Create audience URL template" path="destination.createAudience.url" wide>
              {(a) => (
                <TemplateEditor
                  id={a.id}
                  label="Create audience URL template"
                  singleLine
                  value={form.createAudience.url}
                  markers={markersFor(createIssues, 'createAudience.url')}
                  onChange={(v) => edit((f) => void (f.createAudience.url = v))}
                />
              )}
            </Field>
            <Field label="Create audience body template" path="destination.createAudience.bodyTemplate" wide>
              {(a) => (
                <TemplateEditor
                  id={a.id}
                  label="Create audience body template"
                  height={110}
                  value={form.createAudience.bodyTemplate}
                  markers={markersFor(createIssues, 'createAudience.bodyTemplate')}
                  onChange={(v) => edit((f) => void (f.createAudience.bodyTemplate = v))}
                />
              )}
            </Field>
            <TemplateIssueList issues={createIssues} />
          </>
        )}
      </Section>
      <JmesPlayground />
    </>
  );
}
