// Powering a local node off and on through the request → job path, as the API and a worker do it.
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, nodes, type Node } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { reconcileQueue } from '@/lib/jobs/reconcile';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { failure, organizationWithMember, uniqueName } from '@/test/fixtures';
import { requestNodePower, runNodePower } from './power';

let actor: Actor;
let viewer: Actor;
let unitGroupId: string;
let node: Node;
let url: string;

const answers = () => fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
const row = async () => (await db().query.nodes.findFirst({ where: eq(nodes.id, node.id) }))!;

beforeAll(async () => {
  const org = await organizationWithMember();
  actor = org.actor;
  viewer = (await organizationWithMember({ role: 'viewer' })).actor;
  const { buildId, unitGroupId: id } = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('power'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } });
  unitGroupId = id;
  await runBuild(db(), buildId);
  [node] = await db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)));
  url = `http://${node!.ipAddress}:8080/`;
});

afterAll(async () => {
  await deleteUnitGroup(db(), unitGroupId);
  await closeQueue();
  await closeDb();
});

describe('node power', () => {
  it('powers a node off: SHUTTING_DOWN at once, POWER_OFF once done, the application gone and the node not declared dead', async () => {
    expect(await answers()).toBe(true);
    expect(await requestNodePower(db(), actor, node.id, 'off')).toEqual({ nodeId: node.id, state: 'SHUTTING_DOWN' });
    expect((await row()).state).toBe('SHUTTING_DOWN');
    // A job lost from Redis is queued again from what PostgreSQL says.
    expect((await reconcileQueue(db())).powers).toEqual([]);
    await runNodePower(db(), node.id, 'off');
    expect((await row()).state).toBe('POWER_OFF');
    expect(await answers()).toBe(false);
    const [event] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'node.powerOff'), eq(auditEvents.targetId, node.id)));
    expect(event).toMatchObject({ outcome: 'success' });
  });

  it('refuses what cannot be done, by field and with the reason', async () => {
    const again = await failure(requestNodePower(db(), actor, node.id, 'off'));
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toContain('is POWER_OFF');
    expect(again.details?.fields).toEqual({ action: 'the node is POWER_OFF' });
    expect((await failure(requestNodePower(db(), viewer, node.id, 'on'))).code).toBe('NOT_FOUND');
  });

  it('powers it on again: the agent dials home, the application answers, the node is RUNNING', async () => {
    await requestNodePower(db(), actor, node.id, 'on');
    expect((await row()).state).toBe('BOOTING');
    await runNodePower(db(), node.id, 'on');
    // Up when the job ends: no CONTAINER_ERROR while the application starts.
    expect((await row()).state).toBe('RUNNING');
    expect(await answers()).toBe(true);
  });
});
