import { createHash, randomBytes } from 'node:crypto';

// An API token is `ocs_` + 43 url-safe characters. Only its SHA-256 is stored; the first
// characters are kept so people can tell their tokens apart in lists and the audit log.
const PREFIX_LENGTH = 12;

export function newTokenSecret(): { secret: string; prefix: string; hash: string } {
  const secret = `ocs_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, PREFIX_LENGTH), hash: hashTokenSecret(secret) };
}

export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function looksLikeTokenSecret(value: string): boolean {
  return /^ocs_[A-Za-z0-9_-]{43}$/.test(value);
}
