// Schemas many routes share: ids in paths, timestamps, texts in two languages, the error body.
import { z } from 'zod';

/** An id in a path: anything that is no id names nothing (a 404). */
export const ZIdParams = z.object({ id: z.uuid().describe('The resource\'s id.') });

/** A timestamp: a Date in the handler, ISO 8601 text on the wire. */
export const ZTimestamp = z.date();

export const ZLocalizedText = z.object({ ja: z.string(), en: z.string() }).meta({ id: 'LocalizedText' });

/** What a request that only starts work answers: the build (operation) to watch. */
export const ZOperation = z
  .object({ buildId: z.uuid().describe('The build carrying the change out: watch it at GET /api/v1/builds/{id}.') })
  .meta({ id: 'Operation' });

export const ZErrorBody = z
  .object({
    error: z.object({
      code: z.enum(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'INVALID_INPUT', 'CONFLICT', 'IDEMPOTENCY_MISMATCH', 'QUOTA_EXCEEDED', 'PROVIDER_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'INTERNAL']),
      message: z.string(),
      details: z.object({ fields: z.record(z.string(), z.string()).optional().describe('For INVALID_INPUT: a message per input field.') }).catchall(z.unknown()),
    }),
  })
  .meta({ id: 'Error' });
