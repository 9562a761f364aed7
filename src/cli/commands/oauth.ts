// `oauth <config>`: one client-credentials exchange, printed with secrets masked.
import { loadConfigFromFile } from '../../main/app/config.js';
import { networkWarnings } from '../../main/app/network.js';
import { fetchToken } from '../../main/app/token.js';
import { formatTokenExchange } from '../../main/app/types.js';
import { parse } from '../args.js';
import { printIssues } from '../issues.js';
import { EXIT, UsageError, type CliIo } from '../io.js';

export async function oauthCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('oauth', argv, { json: { type: 'boolean' } });
  const configPath = positionals[0];
  if (!configPath || positionals.length > 1) throw new UsageError('oauth: usage: outbound oauth <config> [--json]');
  const loaded = await loadConfigFromFile(configPath, io.env);
  if (!loaded.ok) return printIssues(io, configPath, loaded.issues);
  for (const warning of networkWarnings(loaded.config, loaded.networkWarnings)) io.stderr(`${warning}\n`);
  const out = await fetchToken(loaded);
  if (!out.ok && out.kind === 'config') return printIssues(io, configPath, [out.issue]);
  if (!out.ok) {
    io.stderr(`token exchange failed: ${out.kind === 'unexpected' ? '' : `${out.kind}: `}${out.message}\n`);
    return EXIT.aborted;
  }
  const text = values.json === true ? JSON.stringify(out.exchange, null, 2) : formatTokenExchange(out.exchange);
  io.stdout(`${loaded.redactor.text(text)}\n`);
  return EXIT.ok;
}
