import type { ZodError, ZodIssue } from 'zod';

/** `people[3].roles[0]`: the path of a problem, as a person editing the file reads it. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out || '(top level)';
}

/** One line per problem: `path: message`. */
export function describeIssues(error: ZodError): string[] {
  return error.issues.map((issue: ZodIssue) => `${formatPath(issue.path)}: ${issue.message}`);
}
