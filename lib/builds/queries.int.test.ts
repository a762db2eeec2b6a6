// The API's reads of builds: pages of the list, and a build's view (no sealed secrets, no creator id).
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { closeQueue } from '@/lib/jobs/queue';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { organizationWithMember, uniqueName } from '@/test/fixtures';
import { appendBuildLog } from './log';
import { getBuildDetail, listBuilds } from './queries';
import { submitBuild } from './submit-build';
import { ZBuildDetail, ZBuildSummary } from './views';

const created: string[] = [];

afterAll(async () => {
  for (const id of created) await deleteUnitGroup(db(), id);
  await closeQueue();
  await closeDb();
});

const input = () => ({ templateSlug: 'web-hello', unitGroupName: uniqueName('page'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } });

describe('listBuilds', () => {
  it('pages through the caller\'s builds, newest first, each once', async () => {
    const { actor } = await organizationWithMember();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { buildId, unitGroupId } = await submitBuild(db(), actor, input());
      created.push(unitGroupId);
      ids.push(buildId);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listBuilds(db(), actor, { limit: 2, cursor });
      expect(page.builds.length).toBeLessThanOrEqual(2);
      for (const b of page.builds) expect(ZBuildSummary.strict().safeParse(b).success).toBe(true);
      seen.push(...page.builds.map((b) => b.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('shows another organization\'s builds to nobody else', async () => {
    const mine = await organizationWithMember();
    const theirs = await organizationWithMember();
    const { buildId, unitGroupId } = await submitBuild(db(), theirs.actor, input());
    created.push(unitGroupId);
    expect((await listBuilds(db(), mine.actor)).builds.map((b) => b.id)).not.toContain(buildId);
  });
});

describe('getBuildDetail', () => {
  it('answers the view with the log lines after the one given', async () => {
    const { actor } = await organizationWithMember();
    const { buildId, unitGroupId } = await submitBuild(db(), actor, input());
    created.push(unitGroupId);
    const first = await getBuildDetail(db(), actor, buildId);
    expect(ZBuildDetail.strict().safeParse(first).success).toBe(true);
    expect(first).not.toHaveProperty('createdBy');
    expect(first).not.toHaveProperty('secrets');
    expect(first.createdByEmail).toBe(actor.email);
    expect(first.steps.map((s) => s.position)).toEqual([...first.steps.keys()]);
    const last = first.logs[first.logs.length - 1]!.id;
    await appendBuildLog(db(), buildId, 'one more line');
    const after = await getBuildDetail(db(), actor, buildId, last);
    expect(after.logs.map((l) => l.message)).toEqual(['one more line']);
  });
});
