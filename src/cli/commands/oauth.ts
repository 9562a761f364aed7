// `oauth <config>`: one client-credentials exchange, printed with secrets masked.
import { createHttpClient } from '../../main/engine/http.js';
import { loadConfigFile } from '../../main/engine/load.js';
import { fetchTokenOnce, formatTokenExchange, TokenError } from '../../main/engine/oauth.js';
import { createRedactor } from '../../main/engine/redact.js';
import { parse } from '../args.js';
import { printIssues } from '../issues.js';
import { EXIT, UsageError, type CliIo } from '../io.js';

export async function oauthCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('oauth', argv, { json: { type: 'boolean' } });
  const configPath = positionals[0];
  if (!configPath || positionals.length > 1) throw new UsageError('oauth: usage: outbound oauth <config> [--json]');
  const loaded = await loadConfigFile(configPath, io.env);
  if (!loaded.ok) return printIssues(io, configPath, loaded.issues);
  const oauth = loaded.config.destination.oauth;
  if (!oauth) {
    io.stderr(`${configPath}: destination.oauth: not set; this destination does not use OAuth2\n`);
    return EXIT.invalid;
  }
  const redactor = createRedactor(loaded.secrets);
  const client = createHttpClient({ timeoutMs: loaded.config.destination.timeoutMs });
  try {
    const ex = await fetchTokenOnce(oauth, client);
    io.stdout(values.json === true ? `${redactor.text(JSON.stringify(ex, null, 2))}\n` : `${redactor.text(formatTokenExchange(ex))}\n`);
    return EXIT.ok;
  } catch (err) {
    const message = err instanceof TokenError ? `${err.kind}: ${err.message}` : (err as Error).message;
    io.stderr(`token exchange failed: ${redactor.text(message)}\n`);
    return EXIT.aborted;
  } finally {
    await client.close();
  }
}
