// The unit text for each scheduler: a crontab line, a systemd user service + timer, a
// launchd agent, a GitHub Actions workflow, a Kubernetes CronJob. Every one runs the same
// command at the same times (one cron expression, translated in calendar.ts) and holds no
// secret value: `${env:…}` variables are named, and each format says where they come from.
import { basename, join, relative, sep } from 'node:path';
import type { ScheduleUnitView, UnitFormat } from '../../../shared/api.js';
import { calendarIntervals, onCalendar } from './calendar.js';
import { RUN_ENV, runArgv, type CliLauncher, type RunPaths } from './command.js';
import { isPostgresUrl } from '../../../shared/record-place.js';
import { crontabCommand, lineBreakProblem, oneLine, systemdCommand, systemdText, xmlText, yamlString } from './quote.js';

export const UNIT_FORMATS: readonly UnitFormat[] = ['crontab', 'systemd', 'launchd', 'github', 'k8s'];

export interface UnitContext {
  slug: string;
  /** "Acme Audiences API / High Value". */
  title: string;
  cron: string;
  timezone?: string | undefined;
  /** "every 1h" or "cron 0 6 * * 1-5" (+ time zone). */
  when: string;
  launcher: CliLauncher;
  paths: RunPaths;
  /** The `${env:…}` variables the config reads. */
  env: string[];
  home: string;
  /** The git work tree holding the config (GitHub Actions paths are relative to it). */
  repoRoot?: string | undefined;
}

/** launchd has no lists: past this many calendar entries the plist is refused. */
const MAX_LAUNCHD_ENTRIES = 1000;

export function renderUnit(format: UnitFormat, given: UnitContext): ScheduleUnitView {
  // Names come from the config: in a title or a comment, a line break would be a line of its own.
  const ctx = { ...given, title: oneLine(given.title), when: oneLine(given.when) };
  const problem = Object.values(ctx.paths).map((p) => (p ? lineBreakProblem(p) : null)).find(Boolean);
  if (problem) return { format, text: '', install: [], notes: [], problem: `a path ${problem}` };
  switch (format) {
    case 'crontab':
      return crontab(ctx);
    case 'systemd':
      return systemd(ctx);
    case 'launchd':
      return launchd(ctx);
    case 'github':
      return github(ctx);
    case 'k8s':
      return k8s(ctx);
  }
}

function crontab(ctx: UnitContext): ScheduleUnitView {
  const lines = [`# outbound: ${ctx.title}, ${ctx.when}`];
  if (ctx.env.length > 0) lines.push(`# reads ${ctx.env.join(', ')} from ${ctx.paths.envFile} (KEY=VALUE lines; chmod 600)`);
  const notes = [];
  if (ctx.timezone) {
    lines.push(`CRON_TZ=${ctx.timezone}`);
    notes.push(`CRON_TZ applies to every line after it (cronie, the cron of Fedora, RHEL and Arch); Debian's and macOS's cron ignore it and use the system time zone`);
  }
  // The memory settings as a /bin/sh assignment before the command: for this line only.
  const assign = Object.entries(RUN_ENV).map(([k, v]) => `${k}=${v} `).join('');
  lines.push(`${ctx.cron} ${assign}${crontabCommand(runArgv(ctx.launcher, ctx.paths))}`);
  return { format: 'crontab', text: `${lines.join('\n')}\n`, install: ['crontab -e   # paste the lines at the end'], notes: [...notes, 'cron mails the output to the user; overlapping runs are not prevented: keep the interval longer than a run'] };
}

function systemd(ctx: UnitContext): ScheduleUnitView {
  const name = `outbound-${ctx.slug}`;
  const dir = join(ctx.home, '.config', 'systemd', 'user');
  const service = [
    `# ${join(dir, `${name}.service`)}`,
    '[Unit]',
    `Description=${systemdText(`outbound: ${ctx.title}`)}`,
    '',
    '[Service]',
    'Type=oneshot',
    // The env file goes to --env-file, not EnvironmentFile=: systemd's rules for that file
    // (quotes, backslashes, `#`) differ from the parser every other unit's run uses.
    ...(ctx.env.length > 0 ? [`# ${ctx.env.join(', ')}: KEY=VALUE lines in ${ctx.paths.envFile} (chmod 600), read by --env-file`] : []),
    ...Object.entries(RUN_ENV).map(([k, v]) => `Environment=${k}=${v}`),
    `ExecStart=${systemdCommand(runArgv(ctx.launcher, ctx.paths))}`,
    '',
  ];
  const timer = [
    `# ${join(dir, `${name}.timer`)}`,
    '[Unit]',
    `Description=${systemdText(`outbound: ${ctx.title}, ${ctx.when}`)}`,
    '',
    '[Timer]',
    ...onCalendar(ctx.cron, ctx.timezone).map((c) => `OnCalendar=${c}`),
    // A run missed while the machine was off starts at the next boot.
    'Persistent=true',
    `Unit=${name}.service`,
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ];
  return {
    format: 'systemd',
    file: join(dir, `${name}.service`),
    text: `${service.join('\n')}\n${timer.join('\n')}`,
    install: ['systemctl --user daemon-reload', `systemctl --user enable --now ${name}.timer`, 'loginctl enable-linger "$USER"   # runs while you are logged out'],
    notes: ['save the two parts as the two files named in their first lines', 'a timer never starts its service while the previous run is still going'],
  };
}

function launchd(ctx: UnitContext): ScheduleUnitView {
  const label = `com.outbound.${ctx.slug}`;
  const intervals = calendarIntervals(ctx.cron);
  if (intervals.length > MAX_LAUNCHD_ENTRIES) {
    return { format: 'launchd', text: '', install: [], notes: [], problem: `launchd has no lists or steps: this schedule needs ${intervals.length} calendar entries (at most ${MAX_LAUNCHD_ENTRIES}); use fewer values` };
  }
  const file = join(ctx.home, 'Library', 'LaunchAgents', `${label}.plist`);
  const log = join(ctx.home, 'Library', 'Logs', `outbound-${ctx.slug}.log`);
  const entry = (i: Record<string, number>) => `    <dict>${Object.entries(i).map(([k, v]) => `<key>${k}</key><integer>${v}</integer>`).join('')}</dict>`;
  const text = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- ${xmlText(file).replaceAll('--', '- -')}: outbound ${xmlText(ctx.when)} -->`,
    '<plist version="1.0">',
    '<dict>',
    `  <key>Label</key><string>${xmlText(label)}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...runArgv(ctx.launcher, ctx.paths).map((a) => `    <string>${xmlText(a)}</string>`),
    '  </array>',
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    ...Object.entries(RUN_ENV).map(([k, v]) => `    <key>${xmlText(k)}</key><string>${xmlText(v)}</string>`),
    '  </dict>',
    '  <key>StartCalendarInterval</key>',
    '  <array>',
    ...intervals.map(entry),
    '  </array>',
    `  <key>StandardOutPath</key><string>${xmlText(log)}</string>`,
    `  <key>StandardErrorPath</key><string>${xmlText(log)}</string>`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
  const notes = ['launchd starts a missed run when the Mac wakes, and never two at once'];
  if (ctx.env.length > 0) notes.push(`${ctx.env.join(', ')}: KEY=VALUE lines in ${ctx.paths.envFile} (chmod 600), read through --env-file: a plist's EnvironmentVariables would hold them in clear`);
  if (ctx.timezone) notes.push(`launchd reads the calendar in the Mac's time zone, not ${ctx.timezone}`);
  return { format: 'launchd', file, text, install: [`launchctl bootstrap gui/$(id -u) ${file.includes(' ') ? `"${file}"` : file}`], notes };
}

function github(ctx: UnitContext): ScheduleUnitView {
  const root = ctx.repoRoot;
  const inRepo = (p: string) => (root && (p + sep).startsWith(root + sep) ? relative(root, p).split(sep).join('/') : null);
  const config = inRepo(ctx.paths.config);
  // A query (a postgres:// URL, or the config's source block) is no file of the checkout.
  const fileInput = ctx.paths.input !== undefined && !isPostgresUrl(ctx.paths.input);
  const input = (fileInput ? inRepo(ctx.paths.input!) : ctx.paths.input) ?? '';
  if (!config || (fileInput && input === '')) {
    return { format: 'github', text: '', install: [], notes: [], problem: `GitHub Actions runs in a checkout of your repository: the config and the input must be files of a git repository (${!config ? ctx.paths.config : ctx.paths.input} is ${root ? `outside ${root}` : 'in no git repository'})` };
  }
  if ([config, input].some((p) => p.includes('${{'))) return { format: 'github', text: '', install: [], notes: [], problem: 'a path holds "${{", which GitHub Actions reads as an expression' };
  // --no: never install a registry package of that name when outbound is not a dependency.
  const argv = ['npx', '--no', 'outbound', 'run', config, ...(input ? ['--input', input] : []), ...(ctx.paths.query !== undefined ? ['--query', ctx.paths.query] : []), '--db', '.outbound/outbound.db'];
  const run = argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
  // A re-run attempt saves under its own key (a cache key is written once).
  const cacheKey = `outbound-store-${ctx.slug}-\${{ github.run_id }}-\${{ github.run_attempt }}`;
  const text = [
    `# .github/workflows/outbound-${ctx.slug}.yml`,
    `name: ${yamlString(`outbound: ${ctx.title}`)}`,
    'on:',
    '  schedule:',
    `    - cron: ${yamlString(ctx.cron)}`,
    '  workflow_dispatch: {}',
    'concurrency:',
    `  group: outbound-${ctx.slug}`,
    '  cancel-in-progress: false',
    'jobs:',
    '  export:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: actions/setup-node@v4',
    '        with:',
    '          node-version: 24',
    '      - run: npm ci',
    '      # the run store, carried from one run to the next (history, resume, retry-failed, sync diff)',
    '      - uses: actions/cache/restore@v4',
    '        with:',
    '          path: .outbound',
    `          key: ${cacheKey}`,
    `          restore-keys: outbound-store-${ctx.slug}-`,
    `      - run: ${yamlString(run)}`,
    ...(ctx.env.length > 0 ? ['        env:', ...ctx.env.map((n) => `          ${n}: \${{ secrets.${n} }}`)] : []),
    '      # saved after a failed run too (exit 1 or 3), whose store retry-failed and resume need',
    '      - uses: actions/cache/save@v4',
    '        if: always()',
    '        with:',
    '          path: .outbound',
    `          key: ${cacheKey}`,
    '',
  ].join('\n');
  const notes = ['assumes outbound is a dependency of the repository (npm ci installs it)', 'GitHub runs scheduled workflows at most every 5 minutes, often some minutes late'];
  if (ctx.timezone && ctx.timezone !== 'UTC' && ctx.timezone !== 'Etc/UTC') notes.push(`GitHub reads the cron expression in UTC, not ${ctx.timezone}`);
  const install = [`save as .github/workflows/outbound-${ctx.slug}.yml and push`, ...ctx.env.map((n) => `gh secret set ${n}`)];
  return { format: 'github', file: `.github/workflows/outbound-${ctx.slug}.yml`, text, install, notes };
}

function k8s(ctx: UnitContext): ScheduleUnitView {
  const name = `outbound-${ctx.slug}`.slice(0, 52).replace(/-+$/, '');
  const fileInput = ctx.paths.input !== undefined && !isPostgresUrl(ctx.paths.input);
  const input = fileInput ? `/data/${basename(ctx.paths.input!)}` : ctx.paths.input;
  const args = ['run', '/config/config.json', ...(input !== undefined ? ['--input', input] : []), ...(ctx.paths.query !== undefined ? ['--query', ctx.paths.query] : []), '--db', '/data/outbound.db'];
  const text = [
    'apiVersion: batch/v1',
    'kind: CronJob',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  schedule: ${yamlString(ctx.cron)}`,
    ...(ctx.timezone ? [`  timeZone: ${yamlString(ctx.timezone)}`] : []),
    '  # one process drives a run at a time',
    '  concurrencyPolicy: Forbid',
    '  jobTemplate:',
    '    spec:',
    '      # a failed run is finished with `outbound retry-failed`, not re-sent whole',
    '      backoffLimit: 0',
    '      template:',
    '        spec:',
    '          restartPolicy: Never',
    '          containers:',
    '            - name: outbound',
    '              # the CLI image (ENTRYPOINT outbound): see the Dockerfile',
    '              image: outbound:latest',
    `              args: [${args.map(yamlString).join(', ')}]`,
    ...(ctx.env.length > 0 ? ['              envFrom:', '                - secretRef:', `                    name: ${name}`] : []),
    '              volumeMounts:',
    '                - { name: config, mountPath: /config, readOnly: true }',
    '                - { name: data, mountPath: /data }',
    '          volumes:',
    '            - name: config',
    '              configMap:',
    `                name: ${name}-config`,
    '            - name: data',
    '              persistentVolumeClaim:',
    '                claimName: outbound-data',
    '',
  ].join('\n');
  const q = (p: string) => `'${p.replaceAll("'", `'\\''`)}'`;
  const install = [
    `kubectl create configmap ${name}-config --from-file=config.json=${q(ctx.paths.config)}`,
    ...(ctx.env.length > 0 ? [`kubectl create secret generic ${name} ${ctx.env.map((n) => `--from-literal=${n}=…`).join(' ')}`] : []),
    ...(fileInput ? [`copy the input to ${input} on the volume outbound-data`] : []),
    'kubectl apply -f cronjob.yaml',
  ];
  return { format: 'k8s', file: 'cronjob.yaml', text, install, notes: ['the store lives on the volume outbound-data beside the input'] };
}
