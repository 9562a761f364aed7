// Config issues as the CLI prints them: `file: field.path: message`. File-level issues (not
// found, JSON syntax at line:column) already name the file and are not prefixed twice.
import { formatIssue, type Issue } from '../shared/issues.js';
import { EXIT, type CliIo } from './io.js';

export function issueWhere(file: string, path: string): string {
  // A flag's issue (`--set add.batchSize`, `--env-file .env:3`) names its own place.
  return path.startsWith(file) || path.startsWith('--') ? path : `${file}: ${path}`;
}

/** Prints every issue on stderr and returns the exit code for invalid input. */
export function printIssues(io: CliIo, file: string, issues: ReadonlyArray<Pick<Issue, 'path' | 'message'>>): number {
  for (const i of issues) io.stderr(`${formatIssue({ path: issueWhere(file, i.path), message: i.message })}\n`);
  return EXIT.invalid;
}
