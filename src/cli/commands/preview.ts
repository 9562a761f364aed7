// `preview <config> --input <file> [--limit N]`: the planned requests as JSON, nothing sent.
import { loadConfigFile } from '../../main/engine/load.js';
import { previewExport } from '../../main/engine/preview.js';
import { openSource } from '../../main/sources/index.js';
import { intOption, parse, str } from '../args.js';
import { issueWhere, printIssues } from '../issues.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { access } from 'node:fs/promises';
import { detectFormat } from '../../main/sources/index.js';

export async function previewCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('preview', argv, {
    input: { type: 'string', short: 'i' },
    limit: { type: 'string' },
  });
  const configPath = positionals[0];
  const input = str(values.input);
  if (!configPath || positionals.length > 1) throw new UsageError('preview: usage: outbound preview <config> --input <file> [--limit N]');
  if (!input) throw new UsageError('preview: --input <file> is required');
  const limit = intOption('preview', 'limit', values.limit, 1);
  const loaded = await loadConfigFile(configPath, io.env);
  if (!loaded.ok) {
    io.stdout(`${JSON.stringify({ requests: [], errors: loaded.issues.map((i) => ({ where: issueWhere(configPath, i.path), message: i.message })) }, null, 2)}\n`);
    return printIssues(io, configPath, loaded.issues);
  }
  try {
    detectFormat(input);
    await access(input);
  } catch (err) {
    const message = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `input file not found: ${input}` : (err as Error).message;
    io.stderr(`${message}\n`);
    return EXIT.invalid;
  }
  const out = await previewExport(loaded.config, openSource(input), {
    file: input,
    secrets: loaded.secrets,
    ...(limit !== undefined ? { limit } : {}),
    maxRecords: 0,
  });
  const requests = out.requests.map((r) => ({
    step: r.step,
    method: r.method,
    url: r.url,
    headers: r.headers,
    body: r.body ?? null,
    recordKeys: r.recordKeys,
    ...(r.warnings?.length ? { warnings: r.warnings } : {}),
  }));
  io.stdout(`${JSON.stringify({ requests, errors: out.errors, ...(out.truncated ? { truncated: true } : {}) }, null, 2)}\n`);
  const configIssue = out.errors.some((e) => e.template !== undefined || e.where.startsWith('destination.') || e.where.startsWith('records.'));
  if (configIssue && out.requests.length === 0) {
    for (const e of out.errors) io.stderr(`${configPath}: ${e.where}: ${e.message}\n`);
    return EXIT.invalid;
  }
  return out.errors.length > 0 ? EXIT.failedRecords : EXIT.ok;
}
