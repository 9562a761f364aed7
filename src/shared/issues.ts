// One Issue type for every problem the engine, the app, the CLI and the studio report about a
// config, a template, an input or a record, and one way to print it. `path` says where: a
// config field (`destination.add.url`), `file:line:column`, `template:line:column` or a record.
export interface Issue {
  path: string;
  message: string;
  /** For template and expression errors: which one (`add.bodyTemplate`) and where in it. */
  template?: string;
  line?: number;
  column?: number;
  /** The record field a template or mapping named, when that is the problem. */
  field?: string;
  /** The record an issue is about (preview of failed records). */
  recordKey?: string;
}

/** `path: message`, unless the message already starts with its place. */
export function formatIssue(issue: Pick<Issue, 'path' | 'message'>): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** Several issues on one line, as an error message carries them. */
export function formatIssues(issues: ReadonlyArray<Pick<Issue, 'path' | 'message'>>): string {
  return issues.map(formatIssue).join('; ');
}

/** The same issue with its message passed through `fn` (redaction), other fields kept. */
export function mapMessage(issue: Issue, fn: (text: string) => string): Issue {
  return { ...issue, message: fn(issue.message) };
}
