// Schedules: `every` → cron, cron checks (croner's reason, portability), the quoting of each
// format, and the systemd calendar translation checked against systemd's own reading.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExportConfig, exportConfigJsonSchema } from '../../src/shared/config.js';
import { everyToCron, nextRuns, normalizeCron } from '../../src/shared/schedule.js';
import { onCalendar, calendarIntervals } from '../../src/main/app/schedule/calendar.js';
import { parseDocument } from 'yaml';
import { crontabWord, shWord, systemdWord, xmlText, yamlString } from '../../src/main/app/schedule/quote.js';
import { planSchedule } from '../../src/main/app/schedule/plan.js';
import { cliLauncher } from '../../src/main/app/schedule/command.js';

describe('every → cron', () => {
  it.each([
    ['1m', '* * * * *'],
    ['15m', '*/15 * * * *'],
    ['30m', '*/30 * * * *'],
    ['60m', '0 * * * *'],
    ['1h', '0 * * * *'],
    ['6h', '0 */6 * * *'],
    ['120m', '0 */2 * * *'],
    ['24h', '0 0 * * *'],
    ['1d', '0 0 * * *'],
    ['1w', '0 0 * * 0'],
  ])('%s is exactly %s', (every, cron) => {
    expect(everyToCron(every)).toEqual({ ok: true, cron });
  });

  it.each(['7m', '45m', '90m', '5h', '2d'])('%s is refused, naming what would work', (every) => {
    const r = everyToCron(every);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/cannot be written as a cron schedule that runs exactly every/);
    expect(!r.ok && r.message).toMatch(/nearest that would work: \S+ or \S+/);
  });

  it('7m names 6m and 10m', () => {
    const r = everyToCron('7m');
    expect(!r.ok && r.message).toContain('6m or 10m');
  });
});

describe('cron checks', () => {
  it('writes names, nicknames and Sunday-as-7 the way every scheduler reads them', () => {
    expect(normalizeCron('0 9 * * MON-FRI')).toEqual({ ok: true, cron: '0 9 * * 1-5' });
    expect(normalizeCron('@hourly')).toEqual({ ok: true, cron: '0 * * * *' });
    expect(normalizeCron('0 0 * * 7')).toEqual({ ok: true, cron: '0 0 * * 0' });
    expect(normalizeCron('0 0 * * 5-7')).toEqual({ ok: true, cron: '0 0 * * 0,5-6' });
  });

  it('refuses an invalid expression with croner’s reason, and croner-only extensions', () => {
    expect(normalizeCron('61 * * * *')).toEqual({ ok: false, message: 'is not a valid cron expression: Invalid value for minute: 61' });
    expect(normalizeCron('0 0 0 * * *')).toMatchObject({ ok: false, message: expect.stringMatching(/has 6 fields/) });
    expect(normalizeCron('0 0 L * *')).toMatchObject({ ok: false, message: expect.stringMatching(/extensions/) });
    expect(normalizeCron('0 0 * * FRI#2')).toMatchObject({ ok: false });
  });

  it('the config refuses a bad schedule at its field path, and an unknown key with did-you-mean', () => {
    const base = { version: 1, destination: { name: 'x', add: { url: 'http://x' } }, audience: { name: 'a' } };
    expect(parseExportConfig({ ...base, schedule: { cron: '61 * * * *' } })).toEqual({ ok: false, issues: [{ path: 'schedule.cron', message: 'is not a valid cron expression: Invalid value for minute: 61' }] });
    expect(parseExportConfig({ ...base, schedule: { every: '7m' } })).toMatchObject({ ok: false, issues: [{ path: 'schedule.every' }] });
    expect(parseExportConfig({ ...base, schedule: { every: '1h', cron: '0 * * * *' } })).toMatchObject({ ok: false, issues: [{ path: 'schedule', message: expect.stringMatching(/exactly one/) }] });
    expect(parseExportConfig({ ...base, schedule: { every: '1h', timezone: 'Mars/Base' } })).toMatchObject({ ok: false, issues: [{ path: 'schedule.timezone' }] });
    const typo = parseExportConfig({ ...base, schedule: { every: '1h', timezon: 'UTC' } });
    expect(!typo.ok && typo.issues[0]).toEqual({ path: 'schedule.timezon', message: 'unknown key; did you mean "timezone"?' });
    expect(parseExportConfig({ ...base, schedule: { cron: '0 6 * * 1-5', timezone: 'Europe/Paris' } }).ok).toBe(true);
    // Absent: the config parses to what it did before (no schedule key added).
    const plain = parseExportConfig(base);
    expect(plain.ok && 'schedule' in plain.config).toBe(false);
  });

  it('the JSON Schema lists schedule', () => {
    const schema = exportConfigJsonSchema() as { properties: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(schema.properties.schedule!.properties!)).toEqual(['every', 'cron', 'timezone']);
  });

  it('next runs follow the time zone', () => {
    const from = new Date('2026-03-28T12:00:00Z');
    expect(nextRuns('0 6 * * *', 3, from, 'Europe/Paris').map((d) => d.toISOString())).toEqual(['2026-03-29T04:00:00.000Z', '2026-03-30T04:00:00.000Z', '2026-03-31T04:00:00.000Z']);
  });
});

describe('quoting', () => {
  const nasty = `/tmp/a b/it's 50% $HOME "q" \\n \\\\ \\%x`;

  it('sh: a single-quoted word reads back as itself', () => {
    const out = spawnSync('/bin/sh', ['-c', `printf '%s' ${shWord(nasty)}`], { encoding: 'utf8' });
    expect(out.stdout).toBe(nasty);
  });

  it('crontab: after cron’s % handling, /bin/sh reads the word back as itself', () => {
    const word = crontabWord(nasty);
    // cron: `\%` → `%`; an unescaped % would end the command (none may be left).
    expect(word.replaceAll('\\%', '')).not.toContain('%');
    // No backslash of the argument is followed by a backslash or a % (cronie and Vixie cron differ there).
    expect(word.replaceAll("'\\%'", "''")).not.toMatch(/\\[\\%]/);
    const afterCron = word.replaceAll('\\%', '%');
    const out = spawnSync('/bin/sh', ['-c', `printf '%s' ${afterCron}`], { encoding: 'utf8' });
    expect(out.stdout).toBe(nasty);
  });

  it('systemd: quotes, backslashes, % and $ escaped', () => {
    expect(systemdWord(`a "b" \\ 50% $X`)).toBe(`"a \\"b\\" \\\\ 50%% $$X"`);
  });

  it('plist and YAML', () => {
    expect(xmlText('a&b<c>')).toBe('a&amp;b&lt;c&gt;');
    expect(yamlString(`it's "x" #1: y`)).toBe(`"it's \\"x\\" #1: y"`);
  });
});

describe('calendars', () => {
  it('launchd: one entry per combination, cron’s day OR as separate entries', () => {
    expect(calendarIntervals('*/15 * * * *')).toEqual([{ Minute: 0 }, { Minute: 15 }, { Minute: 30 }, { Minute: 45 }]);
    expect(calendarIntervals('0 0 1 * 1')).toEqual([{ Day: 1, Hour: 0, Minute: 0 }, { Weekday: 1, Hour: 0, Minute: 0 }]);
    expect(calendarIntervals('* * * * *')).toEqual([{}]);
  });

  const probe = spawnSync('systemd-analyze', ['--version']);
  it.skipIf(probe.error !== undefined)('systemd: systemd-analyze reads the same next five runs as croner', () => {
    const from = new Date('2026-03-27T22:10:00Z');
    for (const [cron, tz] of [
      ['*/15 * * * *', undefined],
      ['0 */6 * * *', undefined],
      ['30 9 * * 1-5', 'Europe/Paris'],
      ['0 0 1,15 * 1', undefined],
      ['5,10-12,40 1-3 * 2-4 *', 'UTC'],
      ['0 2 * * *', 'America/New_York'],
    ] as const) {
      const expected = nextRuns(cron, 5, from, tz).map((d) => d.toISOString());
      const got: string[] = [];
      for (const calendar of onCalendar(cron, tz)) {
        const out = spawnSync('systemd-analyze', ['calendar', '--iterations=5', `--base-time=@${from.getTime() / 1000}`, calendar], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
        expect(out.status, `${calendar}: ${out.stderr}`).toBe(0);
        for (const m of out.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\S+ \S+) UTC/g)) got.push(new Date(`${m[1]}Z`).toISOString());
      }
      expect([...new Set(got)].sort().slice(0, 5), `${cron} ${tz ?? ''}`).toEqual(expected);
    }
  });
});

describe('planSchedule', () => {
  const config = { version: 1, destination: { name: 'Acme', headers: { 'X-Key': '${env:ACME_KEY}' }, add: { url: 'https://api.example.com/m' } }, audience: { name: 'VIP' }, schedule: { cron: '0 6 * * 1-5', timezone: 'Europe/Paris' } };
  const opts = { env: { ACME_KEY: 'topsecret' }, cwd: '/work', now: new Date('2026-01-01T00:00:00Z'), launcher: { node: '/usr/bin/node', prefix: ['/opt/outbound/bin/outbound.mjs'] }, home: '/home/u' };

  it('uses the config’s schedule, names the secret but never its value, and renders every format', () => {
    const view = planSchedule({ config, configPath: 'acme.json', inputPath: 'in.ndjson', dbPath: 'o.db' }, opts);
    expect(view.issues).toEqual([]);
    expect(view).toMatchObject({ cron: '0 6 * * 1-5', timezone: 'Europe/Paris', source: 'config', env: ['ACME_KEY'], envFile: '/work/acme.env' });
    expect(view.nextRuns![0]).toBe('2026-01-01T05:00:00.000Z');
    expect(view.units!.map((u) => u.format)).toEqual(['crontab', 'systemd', 'launchd', 'github', 'k8s']);
    expect(JSON.stringify(view)).not.toContain('topsecret');
    const text = (f: string) => view.units!.find((u) => u.format === f)!.text;
    expect(text('systemd')).toContain('OnCalendar=Mon..Fri *-*-* 06:00:00 Europe/Paris');
    // Every unit that runs the command passes the env file to the CLI's own parser.
    expect(text('systemd')).not.toContain('EnvironmentFile=');
    expect(text('systemd')).toMatch(/^ExecStart=.* "--env-file" "\/work\/acme\.env"$/m);
    expect(text('crontab')).toContain(' --env-file /work/acme.env\n');
    expect(text('launchd')).toContain('<string>--env-file</string>\n    <string>/work/acme.env</string>');
    expect(text('k8s')).toContain('timeZone: "Europe/Paris"');
    expect(text('k8s')).toContain('secretRef');
    expect(text('launchd')).toContain('<key>Weekday</key><integer>5</integer><key>Hour</key><integer>6</integer>');
    expect(view.units!.find((u) => u.format === 'github')!.problem).toMatch(/git repository/);
  });

  it('a line break (LF, CR, NUL) in the destination or audience name starts no crontab line and no systemd directive', () => {
    const evil = { ...config, destination: { ...config.destination, name: 'Acme\n* * * * * touch /tmp/x #' }, audience: { name: 'VIP\r\nExecStartPre=/bin/touch /tmp/y\u0000\u2028' } };
    const view = planSchedule({ config: evil, configPath: 'acme.json', inputPath: 'in.ndjson', dbPath: 'o.db' }, opts);
    expect(view.issues).toEqual([]);
    for (const unit of view.units!) {
      if (unit.problem) continue;
      expect(unit.text, unit.format).not.toMatch(/[\r\u0000\u2028]/);
      const lines = unit.text.split('\n');
      expect(lines.filter((l) => l.startsWith('* * * * *')), unit.format).toEqual([]);
      expect(lines.filter((l) => l.startsWith('ExecStartPre')), unit.format).toEqual([]);
    }
    const text = (f: string) => view.units!.find((u) => u.format === f)!.text;
    // cron runs exactly one command line; the name stays, on its comment line.
    expect(text('crontab').split('\n').filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('CRON_TZ='))).toHaveLength(1);
    expect(text('crontab')).toContain('# outbound: Acme * * * * * touch /tmp/x # / VIP  ExecStartPre=/bin/touch /tmp/y  , cron 0 6 * * 1-5 (Europe/Paris)\n');
    expect(text('systemd')).toContain('Description=outbound: Acme * * * * * touch /tmp/x # / VIP  ExecStartPre=/bin/touch /tmp/y  \n');
    expect(text('systemd').match(/^ExecStart/gm)).toEqual(['ExecStart']);
  });

  it('the Kubernetes CronJob parses as YAML, and its args are the run command word for word', () => {
    const view = planSchedule({ config, configPath: 'acme.json', inputPath: 'in "x": #1 it\'s.ndjson', dbPath: 'o.db' }, opts);
    const doc = parseDocument(view.units!.find((u) => u.format === 'k8s')!.text, { strict: true });
    expect(doc.errors).toEqual([]);
    const job = doc.toJS() as { kind: string; spec: { schedule: string; timeZone: string; jobTemplate: { spec: { template: { spec: { containers: Array<{ args: string[] }> } } } } } };
    expect(job.kind).toBe('CronJob');
    expect(job.spec).toMatchObject({ schedule: '0 6 * * 1-5', timeZone: 'Europe/Paris' });
    expect(job.spec.jobTemplate.spec.template.spec.containers[0]!.args).toEqual(['run', '/config/config.json', '--input', '/data/in "x": #1 it\'s.ndjson', '--db', '/data/outbound.db']);
  });

  it('a flag wins over the config; a bad one is refused at its own name', () => {
    expect(planSchedule({ config, configPath: 'a.json', inputPath: 'i', schedule: { every: '15m' } }, opts)).toMatchObject({ cron: '*/15 * * * *', source: 'request' });
    expect(planSchedule({ config, configPath: 'a.json', inputPath: 'i', schedule: { every: '7m' } }, opts).issues).toMatchObject([{ path: 'every', message: expect.stringContaining('6m or 10m') }]);
    const { schedule: _s, ...bare } = config;
    expect(planSchedule({ config: bare, configPath: 'a.json', inputPath: 'i' }, opts).issues).toMatchObject([{ path: 'schedule', message: expect.stringContaining('no schedule') }]);
  });

  it('a config whose ${env:…} is not set here still gets its units', () => {
    const view = planSchedule({ config, configPath: 'a.json', inputPath: 'i' }, { ...opts, env: {} });
    expect(view.issues).toEqual([]);
    expect(view.env).toEqual(['ACME_KEY']);
  });
});

describe('the studio form keeps schedule', () => {
  it('a saved schedule survives the form; none adds no key', async () => {
    const { configToForm, formToConfig } = await import('../../src/renderer/state/form.js');
    const base = { version: 1, destination: { name: 'x', add: { url: 'http://x' } }, audience: { name: 'a' } };
    expect(formToConfig(configToForm({ ...base, schedule: { cron: '0 6 * * 1-5', timezone: 'UTC' } })).config).toMatchObject({ schedule: { cron: '0 6 * * 1-5', timezone: 'UTC' } });
    expect(formToConfig(configToForm({ ...base, schedule: { every: '15m' } })).config).toMatchObject({ schedule: { every: '15m' } });
    expect('schedule' in formToConfig(configToForm(base)).config).toBe(false);
  });
});

describe('cliLauncher', () => {
  it('finds bin/outbound.mjs of this package without a warning', () => {
    const launcher = cliLauncher();
    expect(launcher.prefix.at(-1)).toBe(join(process.cwd(), 'bin', 'outbound.mjs'));
    expect(launcher.warning).toBeUndefined();
  });

  it('says so when it found none and guessed the current folder’s (the unit would name a file that may not exist)', () => {
    const nowhere = mkdtempSync(join(tmpdir(), 'outbound-no-bin-'));
    const launcher = cliLauncher(process.env, nowhere);
    expect(launcher.prefix.at(-1)).toBe(resolve('bin', 'outbound.mjs'));
    expect(launcher.warning).toContain(`no bin/outbound.mjs found in a package folder above ${nowhere}`);
    // planSchedule passes it on: `schedule` prints it on stderr.
    const view = planSchedule({ config: { version: 1, destination: { name: 'A', add: { url: 'https://a.example/m' } }, audience: { name: 'B' }, schedule: { every: '1h' } }, configPath: 'a.json', inputPath: 'in.ndjson', dbPath: 'o.db' }, { env: {}, cwd: '/work', launcher });
    expect(view.warnings).toContain(launcher.warning);
  });
});
