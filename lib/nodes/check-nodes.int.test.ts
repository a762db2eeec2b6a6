import { eq } from 'drizzle-orm';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { templateDir } from '@/lib/catalog/template-files';
import { closeDb, db } from '@/lib/db/client';
import { nodes } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { localProvider } from '@/lib/providers/local';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { seededLabAdmin, uniqueName } from '@/test/fixtures';
import { checkNodes } from './check-nodes';

let unitGroupId: string;

async function nodeRow() {
  const [node] = await db().select().from(nodes).where(eq(nodes.unitGroupId, unitGroupId));
  return node!;
}

/** Runs the check until the node reaches `state` (an agent restarting its applications takes a moment). */
async function checkUntil(state: string) {
  for (let i = 0; i < 50; i++) {
    await checkNodes(db());
    if ((await nodeRow()).state === state) return nodeRow();
    await sleep(200);
  }
  return nodeRow();
}

beforeAll(async () => {
  const actor = await seededLabAdmin();
  const ids = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('watched'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } });
  unitGroupId = ids.unitGroupId;
  await runBuild(db(), ids.buildId);
});

afterAll(async () => {
  await deleteUnitGroup(db(), unitGroupId);
  await closeQueue();
  await closeDb();
});

describe('node liveness check', () => {
  it('reports a stopped application as CONTAINER_ERROR and its recovery as RUNNING', async () => {
    const node = await nodeRow();
    expect(node.state).toBe('RUNNING');
    const res = await fetch(`${node.agentUrl}/applications/hello`, { method: 'DELETE' });
    expect(res.ok).toBe(true);

    const broken = await checkUntil('CONTAINER_ERROR');
    expect(broken.state).toBe('CONTAINER_ERROR');
    expect(broken.stateReason).toMatch(/hello/);

    await fetch(`${node.agentUrl}/applications/hello`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ command: [process.execPath, path.join(templateDir('web-hello'), 'app.mjs')], port: 8080, healthPath: '/healthz' }),
    });
    expect((await checkUntil('RUNNING')).state).toBe('RUNNING');
  });

  it('reports a node whose agent is gone as HOST_ERROR, and RUNNING again once it is back', async () => {
    const node = await nodeRow();
    await localProvider().powerOff(node.providerResourceId!);
    const down = await checkUntil('HOST_ERROR');
    expect(down.state).toBe('HOST_ERROR');
    expect(down.stateReason).toMatch(/agent does not answer/);

    await localProvider().powerOn(node.providerResourceId!);
    const back = await checkUntil('RUNNING');
    expect(back.state).toBe('RUNNING');
    expect(back.startedAt!.getTime()).toBeGreaterThan(node.startedAt!.getTime());
  });
});
