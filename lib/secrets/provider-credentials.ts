import { keyRing } from './build-secrets';
import { decryptSecret, encryptSecret } from './cipher';

// How a provider account's credentials are stored: provider_accounts.credentials holds them sealed,
// bound to their account so that a value copied onto another account does not open.
const context = (accountId: string) => `provider_accounts:${accountId}`;

export function sealProviderCredentials(accountId: string, credentials: Record<string, string>, ring = keyRing()): string {
  return encryptSecret(ring, JSON.stringify(credentials), context(accountId));
}

export function openProviderCredentials(accountId: string, stored: string, ring = keyRing()): Record<string, string> {
  return JSON.parse(decryptSecret(ring, stored, context(accountId))) as Record<string, string>;
}
