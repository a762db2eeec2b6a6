// The teardown's last check: a machine tagged with the unit group that no node record names (its
// record was lost) is found by its tags and deleted with the group.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { closeQueue } from '@/lib/jobs/queue';
import { getProvider } from '@/lib/providers/registry';
import { nodeRecords } from '@/test/fixtures';
import { deleteUnitGroup } from './delete-unit-group';

afterAll(async () => {
  await closeQueue();
  await closeDb();
});

describe('deleting a unit group', () => {
  it('also deletes what the provider holds tagged with it but no node record names', async () => {
    const [record] = await nodeRecords(1);
    const local = await getProvider('local');
    const stray = await local.createNode({
      name: `ocs-${randomUUID()}`,
      spec: { provider: 'local', flavor: 'small', numNodes: 1, image: 'ocs/base:1.0', tags: {} },
      tags: { 'ocs.unitGroupId': record!.unitGroupId },
      agent: { portalUrl: process.env.OCS_AGENT_PORTAL_URL!, bootstrapToken: 'never-issued' },
      owner: { organizationId: randomUUID(), unitGroupId: record!.unitGroupId, nodeId: randomUUID() },
    });
    expect((await local.listResources({ 'ocs.unitGroupId': record!.unitGroupId })).map((r) => r.resourceId)).toEqual([stray.resourceId]);
    await deleteUnitGroup(db(), record!.unitGroupId);
    expect(await local.listResources({ 'ocs.unitGroupId': record!.unitGroupId })).toEqual([]);
    expect(await local.describeNode(stray.resourceId)).toBeNull();
  });
});
