import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { db } from '@/lib/db/client';
import { institutions, memberships, nodes, organizations, unitGroups, units, users, type MemberRole, type Node } from '@/lib/db/schema';
import { DEMO_LAB_ADMIN, seedDemo } from '@/lib/db/seed';
import { AppError } from '@/lib/errors';
import { localProvider } from '@/lib/providers/local';

/** The demo lab admin, after seeding the demo institution and the shipped templates. */
export async function seededLabAdmin(): Promise<Actor> {
  await seedDemo(db());
  const user = await db().query.users.findFirst({ where: eq(users.email, DEMO_LAB_ADMIN.email) });
  return (await loadActor(db(), user!.id))!;
}

/** What the local provider really holds for a unit group (processes and folders on this machine). */
export function localResourcesOf(unitGroupId: string) {
  return localProvider().listResources({ 'ocs.unitGroupId': unitGroupId });
}

/** Random enough for 50 names made in one millisecond (a time and 3 random digits were not: two concurrent submissions got one name). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${randomUUID().slice(0, 8)}`;
}

/** A fresh organization at the demo institution with one member of the given role. */
export async function organizationWithMember(opts: { role?: MemberRole; maxNodes?: number; maxNodesPerProvider?: Record<string, number> } = {}): Promise<{ organizationId: string; actor: Actor }> {
  await seedDemo(db());
  const institution = await db().query.institutions.findFirst({ where: eq(institutions.slug, 'demo-univ') });
  const [org] = await db()
    .insert(organizations)
    .values({ institutionId: institution!.id, name: uniqueName('org'), kind: 'lab', maxNodes: opts.maxNodes ?? 10, maxNodesPerProvider: opts.maxNodesPerProvider ?? {} })
    .returning();
  const [user] = await db().insert(users).values({ email: `${uniqueName('member')}@demo-univ.ac.jp`, name: 'Test Member' }).returning();
  await db().insert(memberships).values({ organizationId: org!.id, userId: user!.id, role: opts.role ?? 'owner' });
  return { organizationId: org!.id, actor: (await loadActor(db(), user!.id))! };
}

/** Polls `probe` every `everyMs` until it returns something truthy (that value), or fails after `timeoutMs`. */
/** A new member of the organization with this role. */
export async function memberOf(organizationId: string, role: MemberRole): Promise<Actor> {
  const [user] = await db().insert(users).values({ email: `${uniqueName(role)}@demo-univ.ac.jp`, name: role }).returning();
  await db().insert(memberships).values({ organizationId, userId: user!.id, role });
  return (await loadActor(db(), user!.id))!;
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The AppError `promise` rejects with (the test fails if it resolves or rejects with anything else). */
export async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  // Thrown rather than asserted with vitest's expect: benches use these fixtures too.
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${error === null ? 'success' : String(error)}`);
  return error;
}

/** Node records (in a RUNNING unit group, of a fresh organization unless one is given) for tests that drive a provider themselves. */
export async function nodeRecords(count: number, opts: { provider?: string; organization?: { organizationId: string; actor: Actor } } = {}): Promise<Node[]> {
  const { organizationId, actor } = opts.organization ?? (await organizationWithMember());
  const provider = opts.provider ?? 'local';
  const [group] = await db().insert(unitGroups).values({ organizationId, name: uniqueName('nodes'), ownerId: actor.userId, state: 'RUNNING' }).returning();
  const [unit] = await db().insert(units).values({ unitGroupId: group!.id, name: 'web', role: 'web', state: 'RUNNING', provider, flavor: 'small', numNodes: count, image: 'ocs/base:1.0' }).returning();
  return db()
    .insert(nodes)
    .values(Array.from({ length: count }, (_, i) => ({ unitId: unit!.id, unitGroupId: group!.id, nodeNo: i + 1, name: `ocs-${randomUUID()}`, state: 'RUNNING' as const, provider, flavor: 'small' })))
    .returning();
}

/**
 * A RUNNING unit group whose one unit has more nodes than a unit group's read carries: node records
 * 1…count, those numbered in `deletedNos` deleted. `remove` deletes it all again (other files'
 * rounds read every node of the shared database).
 */
export async function bigUnit(count: number, deletedNos: number[], organization: { organizationId: string; actor: Actor }) {
  const made = await nodeRecords(count, { organization });
  const gone = made.filter((n) => deletedNos.includes(n.nodeNo)).map((n) => n.id);
  if (gone.length) await db().update(nodes).set({ state: 'DELETED', deletedAt: new Date() }).where(inArray(nodes.id, gone));
  const { unitGroupId, unitId } = made[0]!;
  return {
    unitGroupId,
    unitId,
    liveNodeNos: made.map((n) => n.nodeNo).filter((no) => !deletedNos.includes(no)),
    remove: async () => {
      await db().update(nodes).set({ state: 'DELETED', deletedAt: new Date() }).where(eq(nodes.unitId, unitId));
      await db().update(units).set({ state: 'DELETED' }).where(eq(units.id, unitId));
      await db().update(unitGroups).set({ state: 'DELETED' }).where(eq(unitGroups.id, unitGroupId));
    },
  };
}

/** Waits until the node's agent has registered (its credential and capabilities recorded): it dialled home. */
export function agentDialledHome(record: Pick<Node, 'id' | 'name'>): Promise<unknown> {
  return until(
    `node ${record.name}'s agent to dial home`,
    async () => (await db().select({ id: nodes.id }).from(nodes).where(and(eq(nodes.id, record.id), isNotNull(nodes.credentialHash), isNotNull(nodes.capabilities))))[0],
    60_000,
    100,
  );
}

/** Sets environment variables until the returned function puts back what they were. */
export function setEnv(vars: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

