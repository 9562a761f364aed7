// Get audience's pagination (config getAudience.pagination): one style at a time, with only
// that style's fields shown.
import { RowErrors, SelectField, TextField } from '../../components/controls.js';
import type { PaginationForm } from '../../state/form.js';
import { edit, useStudio } from '../../state/studio.js';

const STYLES = [
  { value: 'none', label: 'One page' },
  { value: 'link', label: 'Next-page link in the answer' },
  { value: 'cursor', label: 'Cursor parameter' },
  { value: 'page', label: 'Page numbers' },
] as const;

const P = 'destination.getAudience.pagination';

export function PaginationFields() {
  const p = useStudio((s) => s.form.getAudience.pagination);
  const set = (k: keyof PaginationForm, v: string) => edit((f) => void ((f.getAudience.pagination as unknown as Record<string, string>)[k] = v));
  return (
    <>
      <SelectField label="Pagination" path={P} value={p.style} options={STYLES} onChange={(v) => set('style', v)} />
      {p.style === 'link' && (
        <TextField label="Next-page URL path (JMESPath)" path={`${P}.nextUrlPath`} mono value={p.nextUrlPath} placeholder="links.next" onChange={(v) => set('nextUrlPath', v)} hint="Absolute or relative to the request URL; same origin only (the request carries credentials). Empty: last page." />
      )}
      {p.style === 'cursor' && (
        <>
          <TextField label="Cursor query parameter" path={`${P}.cursorParam`} mono value={p.cursorParam} placeholder="cursor" onChange={(v) => set('cursorParam', v)} />
          <TextField label="Next cursor path (JMESPath)" path={`${P}.cursorPath`} mono value={p.cursorPath} placeholder="next_cursor" onChange={(v) => set('cursorPath', v)} hint="Empty: last page. A cursor seen twice stops with an error." />
        </>
      )}
      {p.style === 'page' && (
        <>
          <TextField label="Page query parameter" path={`${P}.pageParam`} mono value={p.pageParam} placeholder="page" onChange={(v) => set('pageParam', v)} />
          <TextField label="First page number" path={`${P}.startPage`} inputMode="numeric" value={p.startPage} placeholder="1" onChange={(v) => set('startPage', v)} />
        </>
      )}
      {p.style !== 'none' && (
        <>
          <TextField label="Page items path (JMESPath)" path={`${P}.itemsPath`} mono value={p.itemsPath} placeholder="lists" onChange={(v) => set('itemsPath', v)} hint={p.style === 'page' ? 'Required: an empty list is the last page.' : 'Optional: an empty list is the last page.'} />
          <TextField label="Max pages" path={`${P}.maxPages`} inputMode="numeric" value={p.maxPages} placeholder="10" onChange={(v) => set('maxPages', v)} hint="Reached without a match: an error, never a create." />
        </>
      )}
      <RowErrors path={P} />
    </>
  );
}
