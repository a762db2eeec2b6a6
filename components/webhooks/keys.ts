export const webhooksKey = (organizationId: string) => ['organizations', organizationId, 'webhooks'] as const;
export const deliveriesKey = (webhookId: string) => ['webhooks', webhookId, 'deliveries'] as const;
