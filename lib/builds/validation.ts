import { z } from 'zod';
import { ZPlanInput } from '@/lib/templates/plan';
import { ZEndDate } from '@/lib/expiry/fields';
import { ZResourceName } from '@/lib/zod-fields';

export const ZUnitGroupName = ZResourceName;

/** Plan preview: the build form's fields without the unit group name. */
export const ZPlanBuildInput = ZPlanInput.extend({
  templateSlug: z.string({ error: 'is required' }).min(1, 'is required'),
  /** Needed only by members of several organizations. */
  organizationId: z.uuid('must be an organization id').optional(),
});

export const ZSubmitBuildInput = ZPlanBuildInput.extend({
  unitGroupName: ZUnitGroupName,
  /** The unit group's end date (lib/expiry), if it has one. */
  expiresAt: ZEndDate.optional(),
});

export type SubmitBuildInput = z.infer<typeof ZSubmitBuildInput>;
