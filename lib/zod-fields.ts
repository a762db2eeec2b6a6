import type { z } from 'zod';
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
