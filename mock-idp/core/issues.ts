import type { z } from 'zod';

/** The field an issue is about: its path, or the unknown keys themselves. */
export function issueField(issue: z.core.$ZodIssue): string {
  return issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '');
}

/** Every problem of a refused request body in one line: `field: message; field: message`. */
export function issuesMessage(error: z.ZodError): string {
  return error.issues.map((issue) => `${issueField(issue) || 'body'}: ${issue.message}`).join('; ');
}
