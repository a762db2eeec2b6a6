// The events a webhook can ask for: plain names, also imported by the browser's add form.
export const WEBHOOK_EVENTS = ['build.succeeded', 'build.failed', 'node.error', 'unitGroup.expiring', 'unitGroup.expired', 'unitGroup.deleted'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** Sent only by "test" (POST /api/v1/webhooks/:id/test), whatever events the webhook wants. */
export const PING_EVENT = 'ping';
