// `preview <config> --input <file> [--limit N]`: the planned requests as JSON, nothing sent.
import { loadConfigFromFile } from '../../main/app/config.js';
import { preview } from '../../main/app/preview.js';
import { checkInput, openRunInput, type RunInput } from '../../main/app/run/input.js';
import { intOption, parse, str } from '../args.js';
import { issueWhere, printIssues } from '../issues.js';
import { EXIT, UsageError, type CliIo } from '../io.js';

export async function previewCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('preview', argv, {
    input: { type: 'string', short: 'i' },
    limit: { type: 'string' },
  });
  const configPath = positionals[0];
  const inputPath = str(values.input);
  if (!configPath || positionals.length > 1) throw new UsageError('preview: usage: outbound preview <config> --input <file> [--limit N]');
  if (!inputPath) throw new UsageError('preview: --input <file> is required');
  const limit = intOption('preview', 'limit', values.limit, 1);
  const loaded = await loadConfigFromFile(configPath, io.env);
  if (!loaded.ok) {
    io.stdout(`${JSON.stringify({ requests: [], errors: loaded.issues.map((i) => ({ where: issueWhere(configPath, i.path), message: i.message })) }, null, 2)}\n`);
    return printIssues(io, configPath, loaded.issues);
  }
  const input: RunInput = { kind: 'file', path: inputPath };
  const problem = await checkInput(null, input);
  if (problem) {
    io.stderr(`${problem}\n`);
    return EXIT.invalid;
  }
  const out = await preview(loaded, openRunInput(null, input), { file: inputPath, maxRecords: 0, ...(limit !== undefined ? { limit } : {}) });
  const requests = out.requests.map((r) => ({
    step: r.step,
    method: r.method,
    url: r.url,
    headers: r.headers,
    body: r.body ?? null,
    recordKeys: r.recordKeys,
    ...(r.warnings?.length ? { warnings: r.warnings } : {}),
  }));
  // `where` is the preview contract's name for an issue's place.
  const errors = out.errors.map(({ path, ...rest }) => ({ where: path, ...rest }));
  io.stdout(`${JSON.stringify({ requests, errors, ...(out.truncated ? { truncated: true } : {}), escaping: out.escaping }, null, 2)}\n`);
  if (out.configRefused) return printIssues(io, configPath, out.errors);
  return out.errors.length > 0 ? EXIT.failedRecords : EXIT.ok;
}
