// What the webhook API takes: an https URL the portal may send to, the events wanted (none: all)
// and a short description.
import { z } from 'zod';
import { WEBHOOK_EVENTS } from './event-names';
import { webhookUrlProblem } from './url';

const ZUrl = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .superRefine((url, ctx) => {
    const problem = webhookUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const ZEvents = z
  .array(z.enum(WEBHOOK_EVENTS, { error: `must be one of ${WEBHOOK_EVENTS.join(', ')}` }), { error: `must be a list of events (${WEBHOOK_EVENTS.join(', ')}); empty for all` })
  .transform((events) => [...new Set(events)]);
const ZDescription = z
  .string({ error: 'must be text' })
  .trim()
  .max(500, 'must be at most 500 characters')
  .nullable()
  .transform((d) => d || null);

export const ZCreateWebhook = z.strictObject({ url: ZUrl, events: ZEvents.default([]), description: ZDescription.optional() });
export const ZUpdateWebhook = z.strictObject({ url: ZUrl.optional(), events: ZEvents.optional(), description: ZDescription.optional(), enabled: z.boolean({ error: 'must be true or false' }).optional() });
