// End dates and extension requests as the API shows them: who asked and who decided by name,
// never by user id.
import { z } from 'zod';
import { ZTimestamp } from '@/lib/api/schemas/common';
import { extensionState } from '@/lib/db/schema';

export const ZExpiry = z
  .object({
    expiresAt: ZTimestamp.nullable().describe('When the unit group ends; null: no end date.'),
    expiredAt: ZTimestamp.nullable().describe('When it ended (its nodes were powered off), if it has.'),
    deletesAt: ZTimestamp.nullable().describe('When it is deleted unless its end date moves: the end of its grace period after expiry.'),
    extensionAutoApproveDays: z.number().int().describe('The organization\'s policy: extensions up to this many days after the current end are approved at once.'),
    expiryGraceDays: z.number().int().describe('Days between expiry and deletion.'),
    canChange: z.boolean().describe('Whether the caller may set the date and ask for extensions.'),
  })
  .meta({ id: 'Expiry' });

export const ZExtension = z
  .object({
    id: z.uuid(),
    unitGroupId: z.uuid(),
    state: z.enum(extensionState.enumValues),
    fromExpiresAt: ZTimestamp.describe('The end date when it was asked for.'),
    untilExpiresAt: ZTimestamp.describe('The end date asked for.'),
    reason: z.string(),
    requestedByName: z.string(),
    requestedByEmail: z.string(),
    autoApproved: z.boolean().describe('Approved at once, within the organization\'s policy.'),
    decidedByName: z.string().nullable().describe('The NII staff member who decided; null while pending or when the policy approved it.'),
    decidedAt: ZTimestamp.nullable(),
    decisionNote: z.string().nullable(),
    createdAt: ZTimestamp,
  })
  .meta({ id: 'ExpiryExtension' });

export const ZQueuedExtension = ZExtension.extend({
  unitGroupName: z.string(),
  organizationId: z.uuid(),
  organizationName: z.string(),
  extensionAutoApproveDays: z.number().int().describe('Its organization\'s policy.'),
}).meta({ id: 'QueuedExpiryExtension' });

export const ZExpiryChange = z
  .object({
    expiresAt: ZTimestamp.nullable().describe('The end date now.'),
    expiredAt: ZTimestamp.nullable(),
    extension: ZExtension.optional().describe('The request a later date became: approved already, or pending for NII staff.'),
  })
  .meta({ id: 'ExpiryChange' });

export type ExpiryView = z.input<typeof ZExpiry>;
export type ExtensionView = z.input<typeof ZExtension>;
export type QueuedExtensionView = z.input<typeof ZQueuedExtension>;
export type ExpiryChangeView = z.input<typeof ZExpiryChange>;
