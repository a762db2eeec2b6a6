import { and, eq } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { organizationSshKeys, type OrganizationSshKey } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { openSshPrivateKey, sealSshPrivateKey } from '@/lib/secrets/ssh-keys';
import { newSshKeyPair, readableSshKey } from '@/lib/ssh-keys/generate';
import { blobFingerprint } from './ssh-session';
import type { SshPublicKeyView } from './views';

// The portal signs in to an organization's hosts with the organization's own key pair, made on
// first request; admins add its public key to each host's ~/.ssh/authorized_keys.

export type { SshPublicKeyView } from './views';

/** OpenSSH's SHA256 fingerprint of a public key line: the hash of the key blob (its base64 field). */
export function sshFingerprint(publicKeyLine: string): string {
  return blobFingerprint(Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64'));
}

function storedKeyPair(db: Database, organizationId: string): Promise<OrganizationSshKey | undefined> {
  return db.query.organizationSshKeys.findFirst({ where: eq(organizationSshKeys.organizationId, organizationId) });
}

/**
 * The organization's key pair, made now if it has none; `created` when this call made it, and
 * `replaced` the fingerprint of an unreadable key it replaced.
 */
async function keyPairOf(db: Database, organizationId: string): Promise<{ keys: OrganizationSshKey; created: boolean; replaced?: string }> {
  const existing = await storedKeyPair(db, organizationId);
  if (existing && readableSshKey(existing.publicKey)) return { keys: existing, created: false };
  const pair = newSshKeyPair(`ocs-portal:${organizationId}`);
  if (existing) {
    // Before keys were checked, ssh2 made about 1 in 280 that nothing reads (lib/ssh-keys/generate.ts):
    // no server can hold such a key, so a new pair replaces it. Concurrent callers: one replaces.
    const replaced = await db
      .update(organizationSshKeys)
      .set({ publicKey: pair.public, privateKey: sealSshPrivateKey(organizationId, pair.private) })
      .where(and(eq(organizationSshKeys.organizationId, organizationId), eq(organizationSshKeys.publicKey, existing.publicKey)))
      .returning({ organizationId: organizationSshKeys.organizationId });
    return { keys: (await storedKeyPair(db, organizationId))!, created: replaced.length > 0, replaced: sshFingerprint(existing.publicKey) };
  }
  // First requests at once: one insert wins, and every caller reads the winner's pair.
  const inserted = await db
    .insert(organizationSshKeys)
    .values({ organizationId, publicKey: pair.public, privateKey: sealSshPrivateKey(organizationId, pair.private) })
    .onConflictDoNothing()
    .returning({ organizationId: organizationSshKeys.organizationId });
  return { keys: (await storedKeyPair(db, organizationId))!, created: inserted.length > 0 };
}

/** The organization's SSH public key and its fingerprint (never the private key); the pair is made on the first call. */
export async function organizationSshPublicKey(db: Database, actor: Actor, organizationId: string, meta: RequestMeta = { ip: null }): Promise<SshPublicKeyView> {
  authorize(actor, 'read', organizationId, 'organization');
  const { keys, created, replaced } = await keyPairOf(db, organizationId);
  const fingerprint = sshFingerprint(keys.publicKey);
  if (created) {
    await recordAudit(db, {
      actor,
      organizationId,
      action: 'sshKey.create',
      targetType: 'organization',
      targetId: organizationId,
      ipAddress: meta.ip,
      outcome: 'success',
      details: { fingerprint, ...(replaced ? { replacedUnreadable: replaced } : {}) },
    });
  }
  return { publicKey: keys.publicKey, fingerprint };
}

/**
 * The organization's key pair for the portal's own use (a cloud VM deployed with its public key,
 * then reached over SSH), made now if it has none; `by` names who made it in the audit log.
 * Never hand the private key to a caller.
 */
export async function organizationKeyPair(db: Database, organizationId: string, by: string): Promise<{ publicKey: string; privateKey: string }> {
  const { keys, created, replaced } = await keyPairOf(db, organizationId);
  if (created) {
    const details = { fingerprint: sshFingerprint(keys.publicKey), ...(replaced ? { replacedUnreadable: replaced } : {}) };
    await recordAudit(db, { actor: null, actorLabel: by, organizationId, action: 'sshKey.create', targetType: 'organization', targetId: organizationId, outcome: 'success', details });
  }
  return { publicKey: keys.publicKey, privateKey: openSshPrivateKey(organizationId, keys.privateKey) };
}

/** The organization's OpenSSH private key, opened, for connecting to its hosts. Never hand it to a caller. */
export async function openOrganizationPrivateKey(db: Database, organizationId: string): Promise<string> {
  const keys = await storedKeyPair(db, organizationId);
  // Without a key pair no host can have its public key in authorized_keys yet.
  if (!keys) throw new AppError('CONFLICT', "This organization has no SSH key yet: show its public key (the Servers page, or GET /api/v1/organizations/:id/ssh-public-key) and add it to each server's authorized_keys");
  return openSshPrivateKey(organizationId, keys.privateKey);
}
