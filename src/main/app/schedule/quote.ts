// Quoting an argv for each place a scheduled command is written, so a path with spaces,
// quotes, `$`, `%` or backslashes reaches the CLI unchanged. Pure: text in, text out.

/** Why `arg` cannot be written on one line of a unit (a line break or NUL), or null. */
export function lineBreakProblem(arg: string): string | null {
  return /[\r\n\u0000]/.test(arg) ? `${JSON.stringify(arg)} holds a line break or a NUL, which no scheduler line can carry` : null;
}

/** One POSIX sh word: single quotes, a `'` written as `'\''`. */
export function shWord(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** A command line for /bin/sh. */
export function shCommand(argv: readonly string[]): string {
  return argv.map(shWord).join(' ');
}

/**
 * One word of a crontab command. cron hands the command to /bin/sh after turning every `%`
 * into a newline unless written `\%` (crontab(5)), and cronie and Vixie cron differ on what a
 * backslash before another backslash means. So every `%` is written `\%` outside the quotes
 * (sh then reads a plain `%`), and no backslash of the argument is ever followed by a
 * backslash or a `%`: between two such characters the quote is closed and reopened.
 */
export function crontabWord(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@+=:,./-]+$/.test(arg)) return arg;
  let out = "'";
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i]!;
    if (c === "'") out += `'\\''`;
    else if (c === '%') out += `'\\%'`;
    else if (c === '\\') out += arg[i + 1] === '\\' ? `\\''` : '\\';
    else out += c;
  }
  return `${out}'`;
}

export function crontabCommand(argv: readonly string[]): string {
  return argv.map(crontabWord).join(' ');
}

/**
 * One argument of a systemd `ExecStart=` (systemd.service "Command lines", systemd.syntax):
 * double-quoted, with `\` and `"` backslash-escaped (C escapes apply inside quotes), `%`
 * written `%%` (specifiers) and `$` written `$$` (environment variable substitution).
 */
export function systemdWord(arg: string): string {
  let out = '"';
  for (const c of arg) {
    if (c === '\\' || c === '"') out += `\\${c}`;
    else if (c === '%') out += '%%';
    else if (c === '$') out += '$$';
    else if (c === '\t') out += '\\t';
    else if (c < ' ' || c === '\u007f') out += `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

export function systemdCommand(argv: readonly string[]): string {
  return argv.map(systemdWord).join(' ');
}

/**
 * Text a unit writes on one line (a crontab comment, a systemd Description=): every line
 * break and control character (CR, LF, NUL, U+2028…) becomes a space, so a destination or
 * audience name can never start a crontab line or a systemd directive of its own.
 */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, ' ');
}

/** A value of a systemd setting that takes text as is (a path, a description): only specifiers are expanded. */
export function systemdText(text: string): string {
  return text.replaceAll('%', '%%');
}

/** Text inside an XML element (a plist <string>). */
export function xmlText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A YAML double-quoted scalar: JSON's string escapes are a subset of YAML's, so a JSON string is one. */
export function yamlString(text: string): string {
  return JSON.stringify(text);
}
