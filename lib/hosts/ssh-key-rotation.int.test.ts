import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import * as schema from '@/lib/db/schema';
import { reencryptSecrets } from '@/lib/secrets/reencrypt';
import { ownDatabase, type OwnDatabase } from '@/test/own-database';
import { openOrganizationPrivateKey, organizationSshPublicKey } from './ssh-key';

// Rotating OCS_SECRET_KEY re-seals organizations' SSH keys too. In a database of its own, so that
// re-sealing under throwaway keys touches no other test's secrets.
let own: OwnDatabase;
let database: Database;
const organizationId = randomUUID();

beforeAll(async () => {
  own = await ownDatabase('ssh_rotation');
  database = own.db;
  const [institution] = await database.insert(schema.institutions).values({ slug: 'rotation-univ', name: 'Rotation University', nameJa: 'ローテーション大学', domain: 'rotation-univ.ac.jp' }).returning();
  await database.insert(schema.organizations).values({ id: organizationId, institutionId: institution!.id, name: '鍵研究室', kind: 'lab' });
  const [user] = await database.insert(schema.users).values({ email: 'owner@rotation-univ.ac.jp', name: 'Owner' }).returning();
  await database.insert(schema.memberships).values({ organizationId, userId: user!.id, role: 'owner' });
  await organizationSshPublicKey(database, (await loadActor(database, user!.id))!, organizationId);
});

afterAll(async () => {
  await own?.drop();
});

const stored = async () => (await database.query.organizationSshKeys.findFirst({ where: eq(schema.organizationSshKeys.organizationId, organizationId) }))!.privateKey;

describe('rotating the secret key', () => {
  it("re-seals organizations' SSH private keys, which still open after the old key is gone", async () => {
    const saved = { key: process.env.OCS_SECRET_KEY, previous: process.env.OCS_SECRET_KEY_PREVIOUS };
    try {
      const privateKey = await openOrganizationPrivateKey(database, organizationId);
      const before = await stored();
      expect(await reencryptSecrets(database)).toEqual({ resealed: 0, unreadable: [] });

      process.env.OCS_SECRET_KEY = randomBytes(32).toString('base64url');
      process.env.OCS_SECRET_KEY_PREVIOUS = saved.key;
      expect(await reencryptSecrets(database)).toEqual({ resealed: 1, unreadable: [] });
      const after = await stored();
      expect(after).toMatch(/^v1\./);
      expect(after.split('.')[1]).not.toBe(before.split('.')[1]);
      delete process.env.OCS_SECRET_KEY_PREVIOUS;
      expect(await openOrganizationPrivateKey(database, organizationId)).toBe(privateKey);
      expect(await reencryptSecrets(database)).toEqual({ resealed: 0, unreadable: [] });

      // A key nobody has any more: reported, left alone.
      process.env.OCS_SECRET_KEY = randomBytes(32).toString('base64url');
      const lost = await reencryptSecrets(database);
      expect(lost).toEqual({ resealed: 0, unreadable: [{ organizationId, reason: expect.stringContaining(`organization_ssh_keys:${organizationId}`) }] });
      expect(await stored()).toBe(after);
    } finally {
      process.env.OCS_SECRET_KEY = saved.key;
      if (saved.previous === undefined) delete process.env.OCS_SECRET_KEY_PREVIOUS;
      else process.env.OCS_SECRET_KEY_PREVIOUS = saved.previous;
    }
  });
});
