// One audience step's request (get or create): its method, URL and body templates and the
// template issues under them. Both steps have the same shape; what only get has (the filter,
// pagination) comes in as children.
import type { ReactNode } from 'react';
import { Field, SelectField } from '../../components/controls.js';
import { TemplateEditor } from '../../editor/TemplateEditor.js';
import { markersFor } from '../../editor/issues.js';
import type { StepForm } from '../../state/form.js';
import { edit } from '../../state/studio.js';
import { TemplateIssueList, useTemplateIssues } from './TemplateIssues.js';

type AudienceStepName = 'getAudience' | 'createAudience';

export function AudienceStep<M extends string>(props: {
  step: AudienceStepName;
  /** `Get audience`: the labels' prefix. */
  title: string;
  value: StepForm;
  methods: readonly M[];
  bodyHint?: string;
  children?: ReactNode;
}) {
  const { step, title, value } = props;
  const issues = useTemplateIssues(step);
  const set = (k: 'method' | 'url' | 'bodyTemplate', v: string) => edit((f) => void (f[step][k] = v));
  return (
    <>
      <SelectField label={`${title} HTTP method`} path={`destination.${step}.method`} value={value.method as M} options={props.methods} onChange={(v) => set('method', v)} />
      <Field label={`${title} URL template`} path={`destination.${step}.url`} wide>
        {(a) => (
          <TemplateEditor id={a.id} label={`${title} URL template`} singleLine value={value.url} markers={markersFor(issues, `${step}.url`)} onChange={(v) => set('url', v)} />
        )}
      </Field>
      <Field label={`${title} body template`} path={`destination.${step}.bodyTemplate`} hint={props.bodyHint} wide>
        {(a) => (
          <TemplateEditor id={a.id} label={`${title} body template`} height={110} value={value.bodyTemplate} markers={markersFor(issues, `${step}.bodyTemplate`)} onChange={(v) => set('bodyTemplate', v)} />
        )}
      </Field>
      {props.children}
      <TemplateIssueList issues={issues} />
    </>
  );
}
