import { and, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { hosts, type HostState } from '@/lib/db/schema';
import { AppError, invalidInput, pgErrorCode } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';
import { liveHost, loadHost, viewOf, type HostView } from './queries';
import { nodesOnHosts } from './placement';
import { ZRegisterHost, ZUpdateHost } from './validation';

const UNIQUE_VIOLATION = '23505';

// Two registrations (or renames) racing for one name: the unique index decides.
function nameTakenOr(name: string | undefined) {
  return (e: unknown): never => {
    if (name !== undefined && pgErrorCode(e) === UNIQUE_VIOLATION) throw invalidInput({ name: `"${name}" is already the name of another server of this organization` });
    throw e;
  };
}

const EDITABLE = ['name', 'address', 'sshPort', 'sshUser', 'hostKeyFingerprint', 'capacity', 'agentDir'] as const;

/** Registers one of the organization's own servers; nothing connects to it yet. */
export async function registerHost(db: Database, actor: Actor, organizationId: string, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<HostView> {
  authorize(actor, 'manageHosts', organizationId, 'organization');
  const input = parseOrThrow(ZRegisterHost, rawInput);
  const [host] = await db
    .insert(hosts)
    .values({ ...input, organizationId, createdBy: actor.userId })
    .returning()
    .catch(nameTakenOr(input.name));
  await recordAudit(db, {
    actor,
    organizationId,
    action: 'host.register',
    targetType: 'host',
    targetId: host!.id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: Object.fromEntries(EDITABLE.map((k) => [k, input[k]])),
  });
  return viewOf(db, host!);
}

/** Changes any of name, address, SSH port and user, pinned host key fingerprint and capacity. */
export async function updateHost(db: Database, actor: Actor, hostId: string, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<HostView> {
  const host = await loadHost(db, actor, hostId, 'manageHosts');
  const input = parseOrThrow(ZUpdateHost, rawInput);
  const changed = EDITABLE.filter((k) => input[k] !== undefined && input[k] !== host[k]);
  if (!changed.length) return viewOf(db, host);
  const [updated] = await db
    .update(hosts)
    .set({ ...Object.fromEntries(changed.map((k) => [k, input[k]])), updatedAt: sql`now()` })
    .where(and(eq(hosts.id, hostId), liveHost))
    .returning()
    .catch(nameTakenOr(input.name));
  if (!updated) throw new AppError('NOT_FOUND', 'No such host');
  await recordAudit(db, {
    actor,
    organizationId: host.organizationId,
    action: 'host.update',
    targetType: 'host',
    targetId: hostId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { name: updated.name, changes: Object.fromEntries(changed.map((k) => [k, { from: host[k], to: updated[k] }])) },
  });
  return viewOf(db, updated);
}

/** Moves a host to `to` from any of `from`; a host already there is left as it is (and nothing is recorded). */
async function changeState(db: Database, actor: Actor, hostId: string, to: HostState, from: HostState[], action: string, meta: RequestMeta): Promise<HostView> {
  const host = await loadHost(db, actor, hostId, 'manageHosts');
  const [updated] = await db
    .update(hosts)
    .set({ state: to, stateReason: null, updatedAt: sql`now()` })
    .where(and(eq(hosts.id, hostId), inArray(hosts.state, from)))
    .returning();
  if (!updated) return viewOf(db, await loadHost(db, actor, hostId, 'manageHosts'));
  await recordAudit(db, {
    actor,
    organizationId: host.organizationId,
    action,
    targetType: 'host',
    targetId: hostId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { name: host.name, from: host.state, to },
  });
  return viewOf(db, updated);
}

/** Draining: the host keeps its nodes, and no new node is placed on it. */
export function drainHost(db: Database, actor: Actor, hostId: string, meta: RequestMeta = { ip: null }): Promise<HostView> {
  return changeState(db, actor, hostId, 'draining', ['active', 'unreachable'], 'host.drain', meta);
}

/** Back in service: new nodes may be placed on it again. */
export function activateHost(db: Database, actor: Actor, hostId: string, meta: RequestMeta = { ip: null }): Promise<HostView> {
  return changeState(db, actor, hostId, 'active', ['draining', 'unreachable'], 'host.activate', meta);
}

/** Removes a host from the portal (the row stays for the audit trail); its name is free again. */
export async function removeHost(db: Database, actor: Actor, hostId: string, meta: RequestMeta = { ip: null }): Promise<void> {
  const host = await loadHost(db, actor, hostId, 'manageHosts');
  const placed = (await nodesOnHosts(db, [hostId])).get(hostId) ?? 0;
  if (placed)
    throw new AppError('CONFLICT', `Server ${host.name} still runs ${placed} node(s): delete their unit groups (or drain the server and wait until they are gone) before removing it`, { fields: { id: `runs ${placed} node(s)` } });
  const removed = await db
    .update(hosts)
    .set({ state: 'removed', removedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(hosts.id, hostId), liveHost))
    .returning({ id: hosts.id });
  if (!removed.length) throw new AppError('NOT_FOUND', 'No such host');
  await recordAudit(db, {
    actor,
    organizationId: host.organizationId,
    action: 'host.remove',
    targetType: 'host',
    targetId: hostId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { name: host.name, address: host.address, state: host.state },
  });
}
