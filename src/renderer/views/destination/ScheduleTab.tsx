// The Schedule tab (issue 12): the destination's sync frequency, saved in its config as
// `schedule`, the next five runs, and the unit each scheduler needs to run the export
// (crontab, systemd, launchd, GitHub Actions, Kubernetes), each with a copy button. The
// units come from the service (app/schedule), the same as `outbound schedule` prints.
import { useEffect, useState } from 'react';
import type { ScheduleView, UnitFormat } from '../../../shared/api.js';
import { EXACT_EVERY } from '../../../shared/schedule.js';
import { api, errorText } from '../../api.js';
import { Section, SelectField, TextField } from '../../components/controls.js';
import { scheduleConfig, type ScheduleForm } from '../../state/form.js';
import { edit, notify, useStudio } from '../../state/studio.js';

const FORMAT_LABELS: Record<UnitFormat, string> = { crontab: 'crontab', systemd: 'systemd timer', launchd: 'launchd (macOS)', github: 'GitHub Actions', k8s: 'Kubernetes CronJob' };

/** Where the unit finds its files; relative paths are under the home folder. Not part of the config. */
interface UnitPaths {
  configPath: string;
  inputPath: string;
  dbPath: string;
}

export function ScheduleTab() {
  const form = useStudio((s) => s.form);
  const config = useStudio((s) => s.config);
  const schedule = form.schedule;
  const [paths, setPaths] = useState<UnitPaths>({ configPath: `outbound/${slug(form.name)}.json`, inputPath: 'outbound/members.ndjson', dbPath: '' });
  const [view, setView] = useState<ScheduleView | null>(null);
  const [format, setFormat] = useState<UnitFormat>('crontab');
  const set = (recipe: (s: ScheduleForm) => void) => edit((f) => recipe(f.schedule));
  const wanted = scheduleConfig(schedule);

  useEffect(() => {
    if (!wanted) {
      setView(null);
      return;
    }
    let live = true;
    // Typing settles before the service is asked (each keystroke would otherwise cost a round trip).
    const timer = setTimeout(() => {
      api()
        .planSchedule({ config, schedule: wanted, configPath: paths.configPath || 'outbound/export.json', inputPath: paths.inputPath || 'outbound/members.ndjson', ...(paths.dbPath ? { dbPath: paths.dbPath } : {}) })
        .then((v) => live && setView(v))
        .catch((err: unknown) => live && setView({ issues: [{ path: 'schedule', message: errorText(err) }] }));
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [JSON.stringify(wanted), JSON.stringify(paths), JSON.stringify(config)]);

  const unit = view?.units?.find((u) => u.format === format);
  const copy = async () => {
    if (!unit?.text) return;
    try {
      await navigator.clipboard.writeText(unit.text);
      notify(`Copied the ${FORMAT_LABELS[format]} unit`);
    } catch {
      notify('Could not copy: the clipboard is not available here', 'error');
    }
  };
  const timezone = view?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <>
      <Section title="Sync frequency">
        <SelectField<ScheduleForm['mode']>
          label="Schedule"
          path="schedule"
          value={schedule.mode}
          options={[
            { value: 'none', label: 'Not scheduled (run by hand)' },
            { value: 'every', label: 'Every…' },
            { value: 'cron', label: 'Cron expression' },
          ]}
          onChange={(v) => set((s) => void (s.mode = v))}
        />
        {schedule.mode === 'every' && (
          <SelectField<string>
            label="Every"
            path="schedule.every"
            value={schedule.every}
            options={[...new Set([...EXACT_EVERY, schedule.every])]}
            onChange={(v) => set((s) => void (s.every = v))}
          />
        )}
        {schedule.mode === 'cron' && (
          <TextField
            label="Cron expression"
            path="schedule.cron"
            mono
            value={schedule.cron}
            placeholder="0 6 * * 1-5"
            onChange={(v) => set((s) => void (s.cron = v))}
            hint="Five fields: minute hour day-of-month month day-of-week."
          />
        )}
        {schedule.mode !== 'none' && (
          <TextField
            label="Time zone"
            path="schedule.timezone"
            value={schedule.timezone}
            placeholder={`this machine's (${Intl.DateTimeFormat().resolvedOptions().timeZone})`}
            onChange={(v) => set((s) => void (s.timezone = v))}
            hint="IANA name, e.g. UTC or Europe/Paris. Saved with the destination."
          />
        )}
      </Section>
      {schedule.mode !== 'none' && (
        <>
          <Section title="Files the unit runs on">
            <TextField label="Config file" mono value={paths.configPath} onChange={(v) => setPaths((p) => ({ ...p, configPath: v }))} hint="Export this destination's config there (Export config…). Relative: under your home folder." />
            <TextField label="Input file" mono value={paths.inputPath} onChange={(v) => setPaths((p) => ({ ...p, inputPath: v }))} hint="The audience file each run reads." />
            <TextField label="Store" mono value={paths.dbPath} placeholder="the CLI's default store" onChange={(v) => setPaths((p) => ({ ...p, dbPath: v }))} />
          </Section>
          {view && view.issues.length > 0 && (
            <ul className="field-errors schedule-issues" role="alert">
              {view.issues.map((i) => (
                <li key={`${i.path}${i.message}`}>
                  {i.path}: {i.message}
                </li>
              ))}
            </ul>
          )}
          {view?.nextRuns && (
            <section className="form-section schedule-next" aria-label="Next runs">
              <header>
                <h3>Next runs</h3>
                <span className="hint">
                  cron <code className="mono">{view.cron}</code> · {timezone}
                </span>
              </header>
              <ol className="mono">
                {view.nextRuns.map((t) => (
                  <li key={t}>{showTime(t, timezone)}</li>
                ))}
              </ol>
            </section>
          )}
          {view?.units && (
            <section className="form-section schedule-units" aria-label="Scheduler unit">
              <header>
                <h3>Unit</h3>
                <div role="tablist" aria-label="Scheduler" className="schedule-formats">
                  {view.units.map((u) => (
                    <button key={u.format} type="button" role="tab" aria-selected={u.format === format} className={u.format === format ? 'active' : undefined} onClick={() => setFormat(u.format)}>
                      {FORMAT_LABELS[u.format]}
                    </button>
                  ))}
                </div>
              </header>
              {unit?.problem ? (
                <p className="hint">Not available: {unit.problem}</p>
              ) : (
                unit && (
                  <>
                    {unit.file && <div className="hint mono">{unit.file}</div>}
                    <pre className="mono schedule-unit" aria-label={`${FORMAT_LABELS[format]} unit`} tabIndex={0}>
                      {unit.text}
                    </pre>
                    <div className="schedule-actions">
                      <button type="button" onClick={() => void copy()}>
                        Copy {FORMAT_LABELS[format]} unit
                      </button>
                    </div>
                    <ul className="hint schedule-notes">
                      {unit.install.map((s) => (
                        <li key={s}>
                          install: <code className="mono">{s}</code>
                        </li>
                      ))}
                      {unit.notes.map((n) => (
                        <li key={n}>{n}</li>
                      ))}
                      {(view.env ?? []).length > 0 && <li>Secrets {view.env!.join(', ')} are named, never written: the unit reads them from {format === 'github' ? 'repository secrets' : format === 'k8s' ? 'a Secret' : view.envFile}.</li>}
                    </ul>
                  </>
                )
              )}
            </section>
          )}
        </>
      )}
    </>
  );
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'export';
}

/** `Wed 2026-12-02 03:00` in the schedule's time zone. */
function showTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}
