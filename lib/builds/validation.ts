import { z } from 'zod';

export const ZUnitGroupName = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(63, 'must be at most 63 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'may use letters, digits, "-" and "_", starting with a letter or digit');

export const ZSubmitBuildInput = z.object({
  /** Needed only by members of several organizations. */
  organizationId: z.uuid('must be an organization id').optional(),
  templateSlug: z.string({ error: 'is required' }).min(1, 'is required'),
  unitGroupName: ZUnitGroupName,
  provider: z.string({ error: 'is required' }).min(1, 'is required'),
  flavor: z.string({ error: 'is required' }).min(1, 'is required'),
  nodes: z.coerce
    .number({ error: 'must be a whole number from 1 to 10' })
    .int('must be a whole number from 1 to 10')
    .min(1, 'must be at least 1')
    .max(10, 'must be at most 10'),
});

export type SubmitBuildInput = z.infer<typeof ZSubmitBuildInput>;
