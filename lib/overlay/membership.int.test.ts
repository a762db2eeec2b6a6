// Leaving a private network bumps every other member's desired version. A unit group's nodes are
// released a few at a time, so leaves overlap: they must not deadlock on the members' rows.
import { eq, inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { nodes, overlayMembers } from '@/lib/db/schema';
import { nodeRecords } from '@/test/fixtures';
import { joinOverlay, leaveOverlay } from './membership';

afterAll(async () => {
  await closeDb();
});

describe('leaving a private network', { timeout: 60_000 }, () => {
  it('lets members leave four at a time without deadlocks, telling the others each time', async () => {
    for (let round = 0; round < 5; round++) {
      const members = await nodeRecords(10, { provider: 'aws' });
      const ids = members.map((n) => n.id);
      for (const id of ids) await joinOverlay(db(), members[0]!.unitGroupId, id);
      const before = await db().select({ id: nodes.id, version: nodes.desiredVersion }).from(nodes).where(inArray(nodes.id, ids));
      const queue = [...ids];
      const leaving = Array.from({ length: 4 }, async () => {
        for (let id = queue.shift(); id; id = queue.shift()) await leaveOverlay(db(), [id]);
      });
      expect((await Promise.allSettled(leaving)).filter((r) => r.status === 'rejected')).toEqual([]);
      expect(await db().select().from(overlayMembers).where(eq(overlayMembers.unitGroupId, members[0]!.unitGroupId))).toEqual([]);
      // Each leave told the members still there: at least 9 + 8 + … + 1 bumps (more where leaves overlapped).
      const after = new Map((await db().select({ id: nodes.id, version: nodes.desiredVersion }).from(nodes).where(inArray(nodes.id, ids))).map((n) => [n.id, n.version]));
      expect(before.reduce((sum, n) => sum + after.get(n.id)! - n.version, 0)).toBeGreaterThanOrEqual(45);
    }
  });
});
