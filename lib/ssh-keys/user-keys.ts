// A member's SSH public keys, from their profile: the agents of the nodes they may log in to install
// them (lib/nodes/ssh-login.ts). Each person manages only their own; an API token acts for its
// member, and a read-only token only reads.
import { and, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { afterCursor, cursorColumn, pageOf, pageOrder, type PageQuery } from '@/lib/api/pagination';
import { ZTimestamp } from '@/lib/api/schemas/common';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { userSshKeys, type UserSshKey } from '@/lib/db/schema';
import { AppError, invalidInput, pgErrorCode } from '@/lib/errors';
import { userKeysChanged } from '@/lib/nodes/login-changes';
import { parseOrThrow } from '@/lib/zod-fields';
import { parsePublicKey } from './parse-key';

/** Enough for every machine someone works from; it bounds what each node's agent receives per member. */
export const MAX_KEYS_PER_USER = 20;

export const ZSshKey = z
  .object({
    id: z.uuid(),
    name: z.string(),
    type: z.string().describe('ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa …'),
    publicKey: z.string().describe('The public key line, as OpenSSH writes it.'),
    fingerprint: z.string().describe('SHA256:…, as `ssh-keygen -l` prints it.'),
    createdAt: ZTimestamp,
  })
  .meta({ id: 'SshKey' });
export type SshKeyView = z.input<typeof ZSshKey>;

export const ZAddSshKeyInput = z.object({
  /** Default: the comment of the pasted line. */
  name: z.string({ error: 'must be text' }).trim().max(100, 'must be at most 100 characters').optional(),
  publicKey: z.string({ error: 'is required' }),
});

function view(key: UserSshKey): SshKeyView {
  return { id: key.id, name: key.name, type: key.publicKey.split(' ')[0]!, publicKey: key.publicKey, fingerprint: key.fingerprint, createdAt: key.createdAt };
}

/** A key logs its member in wherever they may build, beyond an API token's one organization: only the member changes keys, in the portal. */
function refuseTokens(actor: Actor): void {
  if (actor.token) throw new AppError('FORBIDDEN', 'SSH keys log you in to the nodes of every organization you build in: add or delete them in the portal (プロフィール), not with an API token');
}

function alreadyRegistered(name: string): AppError {
  return invalidInput({ publicKey: `is already registered, as "${name}"` });
}

/** The caller's keys (a token's: its member's), newest first, a page at a time. */
export async function listSshKeys(db: Database, actor: Actor, page: PageQuery = { limit: 50 }): Promise<{ keys: SshKeyView[]; nextCursor: string | null }> {
  const keyset = { sort: userSshKeys.createdAt, id: userSshKeys.id };
  const rows = await db
    .select({ key: userSshKeys, id: userSshKeys.id, cursor: cursorColumn(keyset) })
    .from(userSshKeys)
    .where(and(eq(userSshKeys.userId, actor.userId), afterCursor(keyset, page.cursor)))
    .orderBy(...pageOrder(keyset))
    .limit(page.limit + 1);
  const { items, nextCursor } = pageOf(rows, page.limit);
  return { keys: items.map(({ key }) => view(key)), nextCursor };
}

export async function addSshKey(db: Database, actor: Actor, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<SshKeyView> {
  refuseTokens(actor);
  const input = parseOrThrow(ZAddSshKeyInput, rawInput);
  const parsed = parsePublicKey(input.publicKey);
  if ('problem' in parsed) throw invalidInput({ publicKey: parsed.problem });
  const name = input.name || parsed.comment.trim().slice(0, 100);
  if (!name) throw invalidInput({ name: 'is required (the pasted key has no comment to take it from)' });
  const added = await db
    .transaction(async (tx) => {
      const [same] = await tx
        .select({ name: userSshKeys.name })
        .from(userSshKeys)
        .where(and(eq(userSshKeys.userId, actor.userId), eq(userSshKeys.fingerprint, parsed.fingerprint)));
      if (same) throw alreadyRegistered(same.name);
      const [held] = await tx.select({ n: count() }).from(userSshKeys).where(eq(userSshKeys.userId, actor.userId));
      if (held!.n >= MAX_KEYS_PER_USER) throw invalidInput({ publicKey: `cannot be added: you have ${held!.n} keys, the most one may register; delete one first` });
      const [row] = await tx.insert(userSshKeys).values({ userId: actor.userId, name, publicKey: parsed.publicKey, fingerprint: parsed.fingerprint }).returning();
      await userKeysChanged(tx, actor.userId);
      return row!;
    })
    .catch((e: unknown) => {
      // The same key pasted twice at once: the unique index decides.
      if (pgErrorCode(e) === '23505') throw alreadyRegistered(name);
      throw e;
    });
  await recordAudit(db, {
    actor,
    organizationId: actor.token?.organizationId ?? null,
    action: 'userSshKey.add',
    targetType: 'userSshKey',
    targetId: added.id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { name, type: parsed.type, fingerprint: parsed.fingerprint },
  });
  return view(added);
}

/** Removes one of the caller's keys; someone else's is "not found". */
export async function deleteSshKey(db: Database, actor: Actor, id: string, meta: RequestMeta = { ip: null }): Promise<void> {
  refuseTokens(actor);
  const mine = and(eq(userSshKeys.id, id), eq(userSshKeys.userId, actor.userId));
  const [key] = await db.select().from(userSshKeys).where(mine);
  if (!key) throw new AppError('NOT_FOUND', 'No such SSH key');
  const removed = await db.transaction(async (tx) => {
    const gone = await tx.delete(userSshKeys).where(mine).returning({ id: userSshKeys.id });
    if (gone.length) await userKeysChanged(tx, actor.userId);
    return gone.length > 0;
  });
  if (!removed) throw new AppError('NOT_FOUND', 'No such SSH key');
  await recordAudit(db, {
    actor,
    organizationId: actor.token?.organizationId ?? null,
    action: 'userSshKey.delete',
    targetType: 'userSshKey',
    targetId: id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { name: key.name, fingerprint: key.fingerprint },
  });
}
