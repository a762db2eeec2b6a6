import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { publishTemplateVersion } from '@/lib/catalog/publish';
import { parseTemplateText } from '@/lib/templates/load';
import { closeDb, db } from '@/lib/db/client';
import { builds, buildSteps, nodes } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { errorResponse } from '@/lib/http/route';
import { closeQueue } from '@/lib/jobs/queue';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { localResourcesOf, seededLabAdmin, uniqueName } from '@/test/fixtures';
import { BuildFailedError, runBuild } from './run-build';
import { submitBuild } from './submit-build';

let actor: Actor;
const created: string[] = [];

beforeAll(async () => {
  actor = await seededLabAdmin();
});

afterAll(async () => {
  for (const id of created) await deleteUnitGroup(db(), id);
  await closeQueue();
  await closeDb();
});

async function answers(url: string): Promise<string> {
  return (await fetch(url, { signal: AbortSignal.timeout(3000) })).text();
}

describe('a build on the local provider', () => {
  it('creates its nodes once when the job runs twice, and delete leaves nothing', async () => {
    const { buildId, unitGroupId } = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('twice'), provider: 'local', flavor: 'small', parameters: { nodes: 2 } });
    created.push(unitGroupId);
    await runBuild(db(), buildId);
    await runBuild(db(), buildId);
    // And two at once: the unit group lock makes the second wait and find the work done.
    await Promise.all([runBuild(db(), buildId), runBuild(db(), buildId)]);

    const build = await db().query.builds.findFirst({ where: eq(builds.id, buildId) });
    expect(build?.status).toBe('SUCCEEDED');
    const rows = await db().select().from(nodes).where(eq(nodes.unitGroupId, unitGroupId));
    expect(rows).toHaveLength(2);
    expect(rows.every((n) => n.state === 'RUNNING')).toBe(true);
    const resources = await localResourcesOf(unitGroupId);
    expect(resources).toHaveLength(2);
    expect(new Set(resources.map((r) => r.ipAddress)).size).toBe(2);
    const urls = build!.outputs.flatMap((o) => o.values);
    expect(urls).toHaveLength(2);
    for (const url of urls) expect(await answers(url)).toContain('Hello');

    await deleteUnitGroup(db(), unitGroupId);
    expect(await localResourcesOf(unitGroupId)).toHaveLength(0);
    for (const url of urls) await expect(answers(url)).rejects.toThrow();
    const live = await db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)));
    expect(live).toHaveLength(0);
  });

  it('rejects bad input with a 400 that names the field, and records nothing', async () => {
    const before = await db().select({ id: builds.id }).from(builds);
    const cases: [Record<string, unknown>, string][] = [
      [{ templateSlug: 'web-hello', unitGroupName: 'ok-name', provider: 'local', flavor: 'small', parameters: { nodes: 11 } }, 'parameters.nodes'],
      [{ templateSlug: 'web-hello', unitGroupName: 'bad name!', provider: 'local', flavor: 'small', parameters: { nodes: 1 } }, 'unitGroupName'],
      [{ templateSlug: 'web-hello', unitGroupName: 'ok-name', provider: 'nowhere', flavor: 'small', parameters: { nodes: 1 } }, 'provider'],
      [{ templateSlug: 'web-hello', unitGroupName: 'ok-name', provider: 'local', flavor: 'huge', parameters: { nodes: 1 } }, 'flavor'],
      [{ templateSlug: 'no-such', unitGroupName: 'ok-name', provider: 'local', flavor: 'small', parameters: { nodes: 1 } }, 'templateSlug'],
      [{ unitGroupName: 'ok-name', provider: 'local', flavor: 'small', parameters: { nodes: 1 } }, 'templateSlug'],
    ];
    for (const [input, field] of cases) {
      const error = await submitBuild(db(), actor, input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      const res = errorResponse(error);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string; details: { fields: Record<string, string> } } };
      expect(body.error.code).toBe('INVALID_INPUT');
      expect(Object.keys(body.error.details.fields)).toContain(field);
      expect(body.error.message).toContain(field);
    }
    expect(await db().select({ id: builds.id }).from(builds)).toHaveLength(before.length);
  });

  it('answers two simultaneous submissions of one name with one build and one field error', async () => {
    const name = uniqueName('race');
    const both = await Promise.allSettled([0, 1].map(() => submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: name, provider: 'local', flavor: 'small', parameters: { nodes: 1 } })));
    const ok = both.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ buildId: string; unitGroupId: string }>[];
    const refused = both.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(ok).toHaveLength(1);
    created.push(ok[0]!.value.unitGroupId);
    expect(refused).toHaveLength(1);
    expect((refused[0]!.reason as AppError).code).toBe('INVALID_INPUT');
    expect((refused[0]!.reason as AppError).details?.fields?.unitGroupName).toMatch(/already used/);
  });

  it('refuses a second unit group with the same name', async () => {
    const name = uniqueName('dup');
    const first = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: name, provider: 'local', flavor: 'small', parameters: { nodes: 1 } });
    created.push(first.unitGroupId);
    const error = (await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: name, provider: 'local', flavor: 'small', parameters: { nodes: 1 } }).catch((e) => e)) as AppError;
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details?.fields?.unitGroupName).toMatch(/already used/);
  });

  it('marks the node CONTAINER_ERROR and the build FAILED when the application dies, and delete still cleans up', async () => {
    const broken = parseTemplateText(`
slug: broken-app
version: 1.0.0
category: test
title: { ja: 壊れたアプリ, en: Broken app }
summary: { ja: 起動直後に終了する, en: Exits right after starting }
changelog:
  - { version: 1.0.0, date: 2026-11-01, changes: { ja: 最初の版, en: First version } }
parameters:
  type: object
  properties:
    nodes: { type: integer, minimum: 1, maximum: 3, default: 1, x-label: { ja: ノード数, en: Nodes } }
units:
  - { name: web, role: web, nodes: nodes, image: "ocs/base:1.0", flavor: small, providers: [local] }
applications:
  - name: crash
    role: web
    image: none
    ports: [8080]
    health: { port: 8080, path: / }
    local:
      command: ["{{ nodejs }}", "-e", "console.error('boom: missing config'); process.exit(3)"]
steps:
  - { key: create-nodes, action: create-nodes, title: { ja: ノードを作成, en: Create nodes } }
  - { key: start-applications, action: start-applications, title: { ja: 起動, en: Start } }
  - { key: wait-ready, action: wait-ready, title: { ja: 確認, en: Wait } }
outputs: []
`);
    if (!broken.ok) throw new Error(JSON.stringify(broken.errors));
    await publishTemplateVersion(db(), broken.definition);
    const { buildId, unitGroupId } = await submitBuild(db(), actor, { templateSlug: 'broken-app', unitGroupName: uniqueName('broken'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } });
    created.push(unitGroupId);
    await expect(runBuild(db(), buildId)).rejects.toBeInstanceOf(BuildFailedError);

    const build = await db().query.builds.findFirst({ where: eq(builds.id, buildId) });
    expect(build?.status).toBe('FAILED');
    expect(build?.error).toMatch(/crash exited/);
    const [node] = await db().select().from(nodes).where(eq(nodes.unitGroupId, unitGroupId));
    expect(node?.state).toBe('CONTAINER_ERROR');
    expect(node?.stateReason).toMatch(/boom: missing config/);
    const steps = await db().select().from(buildSteps).where(eq(buildSteps.buildId, buildId));
    expect(steps.find((s) => s.key === 'wait-ready')?.status).toBe('FAILED');
    expect(await localResourcesOf(unitGroupId)).toHaveLength(1);

    await deleteUnitGroup(db(), unitGroupId);
    expect(await localResourcesOf(unitGroupId)).toHaveLength(0);
  });
});
