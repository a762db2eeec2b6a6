// Webhooks and their deliveries as the API shows them: never the signing secret (shown once, when
// the webhook is made: ZCreatedWebhook).
import { z } from 'zod';
import { ZTimestamp } from '@/lib/api/schemas/common';
import { deliveryState } from '@/lib/db/schema';

export const ZWebhook = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    url: z.string().describe('Where deliveries are POSTed. It may carry the receiver\'s credential, so only admins and owners read it.'),
    events: z.array(z.string()).describe('Event names it wants; empty: every event.'),
    description: z.string().nullable(),
    state: z.enum(['active', 'failing', 'disabled']).describe('failing: deliveries have failed since failingSince, and it is disabled a day after that.'),
    enabled: z.boolean(),
    failingSince: ZTimestamp.nullable(),
    disabledAt: ZTimestamp.nullable(),
    disabledReason: z.string().nullable(),
    createdBy: z.uuid().describe('The member who made it.'),
    createdAt: ZTimestamp,
    updatedAt: ZTimestamp,
  })
  .meta({ id: 'Webhook' });

export const ZCreatedWebhook = z
  .object({
    webhook: ZWebhook,
    secret: z.string().describe('The key deliveries are signed with (X-OCS-Signature: v1=<hex HMAC-SHA256 of "<X-OCS-Timestamp>.<raw body>">): shown this once only.'),
  })
  .meta({ id: 'CreatedWebhook' });

export const ZDelivery = z
  .object({
    id: z.uuid().describe('Also sent as X-OCS-Delivery, the same on every retry.'),
    webhookId: z.uuid(),
    event: z.string(),
    state: z.enum(deliveryState.enumValues),
    attempts: z.number().int(),
    nextAttemptAt: ZTimestamp.nullable().describe('When it is tried next (pending only).'),
    lastAttemptAt: ZTimestamp.nullable(),
    responseStatus: z.number().int().nullable().describe('The receiver\'s HTTP status.'),
    responseBody: z.string().nullable().describe('The start of what the receiver answered.'),
    error: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()).describe('The JSON body sent.'),
    createdAt: ZTimestamp,
  })
  .meta({ id: 'WebhookDelivery' });

export type WebhookView = z.input<typeof ZWebhook>;
export type CreatedWebhookView = z.input<typeof ZCreatedWebhook>;
export type DeliveryView = z.input<typeof ZDelivery>;
