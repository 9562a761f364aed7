// The Audience tab: the audience's identity, the get and create audience steps (one shared
// step form; get adds its filter and pagination), and a JMESPath playground.
import { CheckboxField, Section, TextField } from '../../components/controls.js';
import { edit, useStudio } from '../../state/studio.js';
import { JmesPlayground } from '../JmesPlayground.js';
import { AudienceStep } from './AudienceStep.js';
import { PaginationFields } from './PaginationFields.js';

export function AudienceTab() {
  const form = useStudio((s) => s.form);
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
          <AudienceStep step="getAudience" title="Get audience" value={form.getAudience} methods={['GET', 'POST'] as const} bodyHint="For lookups done with POST.">
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
            <PaginationFields />
          </AudienceStep>
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
        {form.createAudience.enabled && <AudienceStep step="createAudience" title="Create audience" value={form.createAudience} methods={['POST', 'PUT'] as const} />}
      </Section>
      <JmesPlayground />
    </>
  );
}
