import { keyRing } from './build-secrets';
import { decryptSecret, encryptSecret } from './cipher';

// How an organization's SSH private key is stored: organization_ssh_keys.private_key holds it sealed,
// bound to its organization so that a row copied onto another organization does not open.
const privateKeyContext = (organizationId: string) => `organization_ssh_keys:${organizationId}`;

export function sealSshPrivateKey(organizationId: string, privateKey: string, ring = keyRing()): string {
  return encryptSecret(ring, privateKey, privateKeyContext(organizationId));
}

export function openSshPrivateKey(organizationId: string, stored: string, ring = keyRing()): string {
  return decryptSecret(ring, stored, privateKeyContext(organizationId));
}
