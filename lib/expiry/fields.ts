// What the expiry API takes: end dates as ISO 8601 with a time zone (a date alone would leave
// the hour of the end to the server's zone), reasons and notes as short texts.
import { z } from 'zod';

export const DAY_MS = 24 * 60 * 60_000;

const DATE_TIME = 'must be an ISO 8601 date and time with its time zone, e.g. 2026-03-31T23:59:00+09:00';

const dateTime = (error: string) => z.iso.datetime({ offset: true, error }).transform((s) => new Date(s));

/** An end date as given: ISO 8601 with its zone. */
export const ZEndDate = dateTime(DATE_TIME);

const ZReason = z.string({ error: 'must be text' }).trim().max(1000, 'must be at most 1000 characters');

/** An end date to set, move earlier or clear (null); a later one becomes an extension request, with its reason. */
export const ZSetExpiryInput = z.object({
  expiresAt: dateTime(`${DATE_TIME}, or null to remove it`).nullable(),
  reason: ZReason.optional(),
});
export type SetExpiryInput = z.output<typeof ZSetExpiryInput>;

export const ZExtensionInput = z.object({
  until: ZEndDate,
  reason: ZReason.min(1, 'is required: say why the unit group is needed longer'),
});
export type ExtensionInput = z.output<typeof ZExtensionInput>;

export const ZDecisionInput = z.object({
  decision: z.enum(['approve', 'reject'], { error: 'must be "approve" or "reject"' }),
  note: ZReason.optional(),
});

export const ZExtensionStateFilter = z.object({
  state: z.enum(['pending', 'approved', 'rejected'], { error: 'must be pending, approved or rejected' }).default('pending'),
});

const days = (max: number) =>
  z
    .int({ error: `must be a whole number of days from 0 to ${max}` })
    .min(0, `must be a whole number of days from 0 to ${max}`)
    .max(max, `must be a whole number of days from 0 to ${max}`);

/** An organization's expiry policy; either field may be left out. */
export const ZExpiryPolicyInput = z
  .object({ extensionAutoApproveDays: days(365).optional(), expiryGraceDays: days(90).optional() })
  .refine((p) => p.extensionAutoApproveDays !== undefined || p.expiryGraceDays !== undefined, { error: 'give extensionAutoApproveDays or expiryGraceDays', path: ['body'] });
