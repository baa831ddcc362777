import { z } from 'zod';

/** The first validation problem, as "<path>: <message>", for the styles' error messages. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.join('.') || 'body'}: ${issue.message}`;
}
