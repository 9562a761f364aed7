// The Setup tab: the destination's name and description, its records and output schema.
import { Section, TextField } from '../../components/controls.js';
import { edit, useStudio } from '../../state/studio.js';
import { OutputSchemaBuilder } from './OutputSchemaBuilder.js';
import { RecordsSection } from './RecordsSection.js';

export function SetupTab() {
  const form = useStudio((s) => s.form);
  return (
    <>
      <Section title="Destination">
        <TextField label="Name" path="destination.name" value={form.name} onChange={(v) => edit((f) => void (f.name = v))} />
        <TextField
          label="Marketing use case"
          path="destination.marketingUseCase"
          value={form.marketingUseCase}
          onChange={(v) => edit((f) => void (f.marketingUseCase = v))}
        />
        <TextField
          label="Description"
          path="destination.description"
          wide
          value={form.description}
          onChange={(v) => edit((f) => void (f.description = v))}
        />
      </Section>
      <RecordsSection />
      <OutputSchemaBuilder />
    </>
  );
}
