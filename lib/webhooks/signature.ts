// How deliveries are signed (documented in the README's Webhooks section, which receivers follow):
//   X-OCS-Timestamp: <unix seconds>
//   X-OCS-Signature: v1=<hex HMAC-SHA256(key: the secret as shown, message: "<timestamp>.<raw body>")>
// The timestamp is inside the signature, so a receiver that refuses old timestamps refuses replays.
import { createHmac, randomBytes } from 'node:crypto';

export const SIGNATURE_VERSION = 'v1';

/** A new signing secret: `whsec_` and 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The X-OCS-Signature value for a body sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `${SIGNATURE_VERSION}=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
