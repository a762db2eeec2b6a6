import { z } from 'zod';
import { ZPlanInput } from '@/lib/templates/plan';

export const ZUnitGroupName = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(63, 'must be at most 63 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'may use letters, digits, "-" and "_", starting with a letter or digit');

/** Plan preview: the build form's fields without the unit group name. */
export const ZPlanBuildInput = ZPlanInput.extend({
  templateSlug: z.string({ error: 'is required' }).min(1, 'is required'),
  /** Needed only by members of several organizations. */
  organizationId: z.uuid('must be an organization id').optional(),
});

export const ZSubmitBuildInput = ZPlanBuildInput.extend({ unitGroupName: ZUnitGroupName });

export type SubmitBuildInput = z.infer<typeof ZSubmitBuildInput>;
