import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// Secrets at rest: AES-256-GCM with a 32-byte key. An envelope is
//   v1.<key id>.<iv>.<ciphertext>.<tag>        (parts in base64url)
// The key id (a short hash of the key) says which key sealed it, so a new key can be brought in
// while envelopes sealed with older ones still open, until reencryptSecrets seals them anew.

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

export interface SecretKey {
  id: string;
  bytes: Buffer;
}

/** The key new envelopes are sealed with, and older ones that still open envelopes. */
export interface SecretKeyRing {
  current: SecretKey;
  previous: SecretKey[];
}

/** An envelope that cannot be opened: tampered, sealed for another record, or under an unknown key. */
export class SecretDecryptError extends Error {}

/** Why `text` is not a 32-byte key in base64 or base64url, or null. Never quotes the key. */
export function secretKeyProblem(text: string): string | null {
  if (!text) return 'is empty';
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return 'is not base64 or base64url';
  const bytes = Buffer.from(text, 'base64').length;
  return bytes === KEY_BYTES ? null : `decodes to ${bytes} bytes, not ${KEY_BYTES}`;
}

function secretKey(text: string, variable: string): SecretKey {
  const problem = secretKeyProblem(text);
  if (problem) throw new Error(`${variable} ${problem}: give 32 random bytes in base64 or base64url (openssl rand -base64 32)`);
  const bytes = Buffer.from(text, 'base64');
  // The id is public (it is in every envelope): a hash prefix that cannot lead back to the key.
  const id = createHash('sha256').update('ocs-secret-key-id\0').update(bytes).digest('base64url').slice(0, 11);
  return { id, bytes };
}

/** A key ring from OCS_SECRET_KEY and the comma-separated OCS_SECRET_KEY_PREVIOUS. */
export function secretKeyRing(current: string, previous = ''): SecretKeyRing {
  const old = previous
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => secretKey(k, 'OCS_SECRET_KEY_PREVIOUS'));
  return { current: secretKey(current, 'OCS_SECRET_KEY'), previous: old };
}

/** The prefix of every envelope the ring's current key seals; SQL compares stored values to it. */
export function currentKeyPrefix(ring: SecretKeyRing): string {
  return `${VERSION}.${ring.current.id}.`;
}

export function isEnvelope(text: string): boolean {
  return text.startsWith(`${VERSION}.`);
}

// The header and the record it belongs to are authenticated too: an envelope copied onto
// another build or column does not open.
function associatedData(keyId: string, context: string): Buffer {
  return Buffer.from(`${VERSION}.${keyId}.${context}`);
}

/** Seals `plaintext` for the record named by `context` (e.g. "builds.secrets:<id>"). */
export function encryptSecret(ring: SecretKeyRing, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, ring.current.bytes, iv);
  cipher.setAAD(associatedData(ring.current.id, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, ring.current.id, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Opens an envelope sealed for `context` with any key of the ring. */
export function decryptSecret(ring: SecretKeyRing, envelope: string, context: string): string {
  const parts = envelope.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretDecryptError(`a stored secret of ${context} is not an envelope this version reads`);
  const [, keyId, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  const key = [ring.current, ...ring.previous].find((k) => k.id === keyId);
  if (!key) throw new SecretDecryptError(`a stored secret of ${context} was sealed with key ${keyId}, which is neither OCS_SECRET_KEY nor in OCS_SECRET_KEY_PREVIOUS`);
  try {
    const decipher = createDecipheriv(ALGORITHM, key.bytes, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(keyId, context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptError(`a stored secret of ${context} failed its integrity check (altered, or sealed for another record)`);
  }
}

/** True when the envelope is not sealed with the ring's current key (or is not an envelope at all). */
export function needsReencryption(ring: SecretKeyRing, stored: string): boolean {
  return !stored.startsWith(currentKeyPrefix(ring));
}
