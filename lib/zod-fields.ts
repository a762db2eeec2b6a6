import { z } from 'zod';
import { invalidInput, type AppError, type FieldErrors } from '@/lib/errors';

/** Turns a zod failure into one message per input field (the first problem of each). */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : 'body';
    fields[key] ??= issue.message;
  }
  return fields;
}

export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalidInputFrom(parsed.error);
  return parsed.data;
}

function invalidInputFrom(error: z.ZodError): AppError {
  return invalidInput(fieldErrorsOf(error));
}

/** A name people give a resource (a unit group, a host): unique in its organization, usable in DNS labels and paths. */
export const ZResourceName = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(63, 'must be at most 63 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'may use letters, digits, "-" and "_", starting with a letter or digit');
