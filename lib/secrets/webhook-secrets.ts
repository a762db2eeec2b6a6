import { keyRing } from './build-secrets';
import { decryptSecret, encryptSecret } from './cipher';

// How a webhook's signing secret is stored: webhooks.secret holds it sealed, bound to its webhook
// so that a value copied onto another webhook does not open.
const context = (webhookId: string) => `webhooks:${webhookId}`;

export function sealWebhookSecret(webhookId: string, secret: string, ring = keyRing()): string {
  return encryptSecret(ring, secret, context(webhookId));
}

export function openWebhookSecret(webhookId: string, stored: string, ring = keyRing()): string {
  return decryptSecret(ring, stored, context(webhookId));
}
