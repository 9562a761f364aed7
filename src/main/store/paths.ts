// Where the database lives when the user does not say (--db): $OUTBOUND_DB, else the
// platform's per-user data folder.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export interface DbPathEnv {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
  /** Create the containing folder (default true). */
  create?: boolean;
}

export function defaultDbPath(opts: DbPathEnv = {}): string {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const home = opts.home ?? homedir();
  let file: string;
  if (env.OUTBOUND_DB && env.OUTBOUND_DB.trim() !== '') {
    file = path.resolve(env.OUTBOUND_DB);
  } else if (platform === 'darwin') {
    file = path.join(home, 'Library', 'Application Support', 'Outbound', 'outbound.db');
  } else if (platform === 'win32') {
    const appData = env.APPDATA && env.APPDATA !== '' ? env.APPDATA : path.join(home, 'AppData', 'Roaming');
    file = path.win32.join(appData, 'Outbound', 'outbound.db');
  } else {
    const dataHome = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
    file = path.join(dataHome, 'outbound', 'outbound.db');
  }
  if (opts.create !== false) mkdirSync(path.dirname(file), { recursive: true });
  return file;
}
