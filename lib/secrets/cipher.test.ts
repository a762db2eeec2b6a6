import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { env } from '@/lib/env';
import { decryptSecret, encryptSecret, needsReencryption, SecretDecryptError, secretKeyProblem, secretKeyRing } from './cipher';

const newKey = () => randomBytes(32).toString('base64');
const context = 'builds.secrets:4f0c2a52-8d1e-4c55-9a3b-0a6f3c1d2e7f';

describe('the secret cipher', () => {
  it('opens what it sealed, and seals the same text differently each time', () => {
    const ring = secretKeyRing(newKey());
    const text = JSON.stringify({ parameters: { dbPassword: 'pässwörd 🔑' }, generated: { admin: 'x'.repeat(24) } });
    const a = encryptSecret(ring, text, context);
    const b = encryptSecret(ring, text, context);
    expect(a).not.toBe(b);
    expect(a).not.toContain('pässwörd');
    expect(a.startsWith(`v1.${ring.current.id}.`)).toBe(true);
    expect(decryptSecret(ring, a, context)).toBe(text);
    expect(decryptSecret(ring, b, context)).toBe(text);
  });

  it('refuses an altered envelope, and one moved to another record', () => {
    const ring = secretKeyRing(newKey());
    const envelope = encryptSecret(ring, 'the admin password', context);
    const parts = envelope.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0]! ^= 1;
    const altered = [...parts.slice(0, 3), body.toString('base64url'), parts[4]].join('.');
    expect(() => decryptSecret(ring, altered, context)).toThrow(SecretDecryptError);
    const shortTag = [...parts.slice(0, 4), parts[4]!.slice(0, 6)].join('.');
    expect(() => decryptSecret(ring, shortTag, context)).toThrow(SecretDecryptError);
    expect(() => decryptSecret(ring, envelope, 'builds.secrets:another-build')).toThrow(/integrity check/);
    expect(() => decryptSecret(ring, 'not an envelope', context)).toThrow(SecretDecryptError);
  });

  it('refuses to open with a wrong key, naming neither key', () => {
    const key = newKey();
    const envelope = encryptSecret(secretKeyRing(key), 'the admin password', context);
    const other = newKey();
    const error = (() => {
      try {
        decryptSecret(secretKeyRing(other), envelope, context);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(SecretDecryptError);
    expect(error!.message).toMatch(/neither OCS_SECRET_KEY nor in OCS_SECRET_KEY_PREVIOUS/);
    expect(error!.message).not.toContain(key);
    expect(error!.message).not.toContain(other);
    // A forged key id that names the right key still needs the right key to open.
    const forged = envelope.replace(/^v1\.[^.]+\./, `v1.${secretKeyRing(other).current.id}.`);
    expect(() => decryptSecret(secretKeyRing(other), forged, context)).toThrow(/integrity check/);
  });

  it('opens with a previous key after a rotation, and says what to re-seal', () => {
    const oldKey = newKey();
    const before = secretKeyRing(oldKey);
    const sealed = encryptSecret(before, 'the admin password', context);
    expect(needsReencryption(before, sealed)).toBe(false);

    const after = secretKeyRing(newKey(), ` ${newKey()}, ${oldKey} `);
    expect(after.previous).toHaveLength(2);
    expect(needsReencryption(after, sealed)).toBe(true);
    expect(decryptSecret(after, sealed, context)).toBe('the admin password');
    const resealed = encryptSecret(after, decryptSecret(after, sealed, context), context);
    expect(needsReencryption(after, resealed)).toBe(false);
    expect(needsReencryption(after, '{"parameters":{},"generated":{}}')).toBe(true);
    // Without the old key, what it sealed no longer opens.
    expect(() => decryptSecret(secretKeyRing(newKey()), sealed, context)).toThrow(SecretDecryptError);
  });

  it('takes base64 and base64url keys of 32 bytes, and says what is wrong with others without quoting them', () => {
    const bytes = randomBytes(32);
    expect(secretKeyProblem(bytes.toString('base64'))).toBeNull();
    expect(secretKeyProblem(bytes.toString('base64url'))).toBeNull();
    expect(secretKeyRing(bytes.toString('base64')).current.id).toBe(secretKeyRing(bytes.toString('base64url')).current.id);
    expect(secretKeyProblem('')).toBe('is empty');
    expect(secretKeyProblem(randomBytes(16).toString('base64'))).toBe('decodes to 16 bytes, not 32');
    expect(secretKeyProblem('not a key!')).toBe('is not base64 or base64url');
    const short = randomBytes(16).toString('base64');
    expect(() => secretKeyRing(short)).toThrow(/^OCS_SECRET_KEY decodes to 16 bytes, not 32/);
    expect(() => secretKeyRing(newKey(), `${newKey()},${short}`)).toThrow(/^OCS_SECRET_KEY_PREVIOUS decodes to 16 bytes/);
    try {
      secretKeyRing(short);
    } catch (e) {
      expect((e as Error).message).not.toContain(short);
    }
  });
});

describe('OCS_SECRET_KEY in the environment', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('is required, and a wrong one is named without being quoted', () => {
    vi.stubEnv('DATABASE_URL', 'postgres://unused');
    vi.stubEnv('REDIS_URL', 'redis://unused');
    vi.stubEnv('OCS_SECRET_KEY', undefined);
    expect(() => env()).toThrow(/OCS_SECRET_KEY is not set/);
    const short = randomBytes(31).toString('base64url');
    vi.stubEnv('OCS_SECRET_KEY', short);
    const error = (() => {
      try {
        env();
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/OCS_SECRET_KEY decodes to 31 bytes, not 32/);
    expect(error?.message).not.toContain(short);
    vi.stubEnv('OCS_SECRET_KEY', newKey());
    vi.stubEnv('OCS_SECRET_KEY_PREVIOUS', `${newKey()},abc`);
    expect(() => env()).toThrow(/OCS_SECRET_KEY_PREVIOUS decodes to 2 bytes/);
    vi.stubEnv('OCS_SECRET_KEY_PREVIOUS', '');
    expect(env().OCS_SECRET_KEY_PREVIOUS).toBe('');
  });
});
