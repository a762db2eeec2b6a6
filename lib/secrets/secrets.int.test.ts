import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { getBuildDetail } from '@/lib/builds/queries';
import { BuildFailedError, runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { loadTemplateRuntime } from '@/lib/builds/template-runtime';
import { publishTemplateVersion } from '@/lib/catalog/publish';
import { closeDb, db, pool } from '@/lib/db/client';
import { auditEvents, builds, memberships, nodes, units, users } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { requestUnitScale } from '@/lib/unit-groups/scale-unit';
import { seededLabAdmin, uniqueName } from '@/test/fixtures';
import { databaseText, secretKeeperTemplate } from '@/test/secret-keeper';

let creator: Actor;
let colleague: Actor;
const created: string[] = [];

beforeAll(async () => {
  creator = await seededLabAdmin();
  await publishTemplateVersion(db(), secretKeeperTemplate());
  const [user] = await db().insert(users).values({ email: `${uniqueName('colleague')}@demo-univ.ac.jp`, name: 'Colleague' }).returning();
  await db().insert(memberships).values({ organizationId: creator.memberships[0]!.organizationId, userId: user!.id, role: 'user' });
  colleague = (await loadActor(db(), user!.id))!;
});

afterAll(async () => {
  for (const id of created) await deleteUnitGroup(db(), id);
  await closeQueue();
  await closeDb();
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function tablesHolding(needle: string): Promise<string[]> {
  return [...(await databaseText(pool()))].filter(([, text]) => text.includes(needle)).map(([name]) => name);
}

/** Every file under the local provider's state folder, with its content and permission bits. */
async function stateFiles(dir = process.env.OCS_LOCAL_STATE_DIR!): Promise<{ file: string; mode: number; text: string }[]> {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await stateFiles(file)));
    else if (entry.isFile()) out.push({ file, mode: (await stat(file)).mode & 0o777, text: await readFile(file, 'utf8') });
  }
  return out;
}

async function nodeFolders(unitGroupId: string): Promise<string[]> {
  const rows = await db().select({ resourceId: nodes.providerResourceId }).from(nodes).where(eq(nodes.unitGroupId, unitGroupId));
  return rows.map((r) => path.join(process.env.OCS_LOCAL_STATE_DIR!, r.resourceId!));
}

/**
 * Of all the local provider's files, only `holders` of each node of the unit group hold the secrets
 * (apps.json: the applications' environment), and every file of those nodes is their user's alone.
 */
async function expectSecretsOnlyIn(unitGroupId: string, plaintexts: string[], holders = ['apps.json', 'desired.json']): Promise<void> {
  const files = await stateFiles();
  const folders = await nodeFolders(unitGroupId);
  const expected = folders.flatMap((d) => holders.map((h) => path.join(d, h))).sort();
  for (const plain of plaintexts) expect(files.filter((f) => f.text.includes(plain)).map((f) => f.file).sort()).toEqual(expected);
  for (const folder of folders) {
    expect((await stat(folder)).mode & 0o777, folder).toBe(0o700);
    expect((await stat(path.join(folder, 'apps'))).mode & 0o777).toBe(0o700);
    const own = files.filter((f) => f.file.startsWith(`${folder}${path.sep}`));
    expect(own.map((f) => path.relative(folder, f.file)).sort()).toEqual(expect.arrayContaining(['agent.log', 'agent.pid', 'apps.json', 'apps/keeper.log', 'credential.json', 'desired.json', 'node.json']));
    // Nothing else: a running application's pid file at most.
    expect(own.filter((f) => !['agent.log', 'agent.pid', 'apps.json', 'apps/keeper.log', 'credential.json', 'desired.json', 'node.json', 'apps/keeper.pid'].includes(path.relative(folder, f.file)))).toEqual([]);
    for (const f of own) expect(f.mode, f.file).toBe(0o600);
  }
}

async function seenBy(url: string): Promise<{ db: string; admin: string }> {
  return (await fetch(url, { signal: AbortSignal.timeout(3000) })).json() as Promise<{ db: string; admin: string }>;
}

const adminOutput = (outputs: { key: string; values: string[] }[]) => outputs.find((o) => o.key === 'admin-password')!.values;

describe('secrets of a build', () => {
  it('stay out of every table, log and file but the application’s own, and the credential is shown once', async () => {
    const dbPassword = `Db${randomBytes(12).toString('hex')}`;
    const { buildId, unitGroupId } = await submitBuild(db(), creator, {
      templateSlug: 'secret-keeper',
      unitGroupName: uniqueName('secrets'),
      provider: 'local',
      flavor: 'small',
      parameters: { nodes: 1, dbPassword },
    });
    created.push(unitGroupId);
    await runBuild(db(), buildId);

    const build = (await db().query.builds.findFirst({ where: eq(builds.id, buildId) }))!;
    expect(build.status).toBe('SUCCEEDED');
    const runtime = await loadTemplateRuntime(db(), unitGroupId, build.templateVersionId);
    const adminPassword = runtime.secrets.adminPassword!;
    expect(adminPassword).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(runtime.values.dbPassword).toBe(dbPassword);
    // The application got both, in its environment.
    const [url] = build.outputs.find((o) => o.key === 'urls')!.values;
    expect(await seenBy(url!)).toEqual({ db: sha256(dbPassword), admin: sha256(adminPassword) });

    // Stored sealed; the audit record and the build's parameters show the secret parameter masked.
    expect(build.secrets).toMatch(/^v1\./);
    expect(build.secretOutputs).toMatch(/^v1\./);
    expect(adminOutput(build.outputs)).toEqual([]);
    expect(build.parameters.dbPassword).toBe('********');
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'build.submit'), eq(auditEvents.targetId, buildId)));
    expect((audit!.details as { parameters: Record<string, unknown> }).parameters.dbPassword).toBe('********');
    expect(await tablesHolding(buildId)).toContain('public.builds');
    expect(await tablesHolding(dbPassword)).toEqual([]);
    expect(await tablesHolding(adminPassword)).toEqual([]);
    await expectSecretsOnlyIn(unitGroupId, [dbPassword, adminPassword]);

    // Another member of the organization never sees it, and asking does not use up the reveal.
    expect(adminOutput((await getBuildDetail(db(), colleague, buildId)).outputs)).toEqual([]);
    const sealed = build.secretOutputs!;
    // Two answers at once (two tabs): one of them has it.
    const both = await Promise.all([0, 1].map(async () => adminOutput((await getBuildDetail(db(), creator, buildId)).outputs)));
    expect(both.flat()).toEqual([adminPassword]);
    expect(adminOutput((await getBuildDetail(db(), creator, buildId)).outputs)).toEqual([]);
    expect(adminOutput((await getBuildDetail(db(), colleague, buildId)).outputs)).toEqual([]);
    const after = (await db().query.builds.findFirst({ where: eq(builds.id, buildId) }))!;
    expect(after.secretsRevealedAt).not.toBeNull();
    expect(after.secretOutputs).toBeNull();
    // Not even its ciphertext is left.
    expect(await tablesHolding(sealed.split('.')[3]!)).toEqual([]);
    expect(await tablesHolding(adminPassword)).toEqual([]);

    // A node added later gets the same secrets, and the change records none of its own.
    const [unit] = await db().select().from(units).where(eq(units.unitGroupId, unitGroupId));
    const scale = await requestUnitScale(db(), creator, unit!.id, { numNodes: 2 });
    await runBuild(db(), scale.buildId);
    const scaled = (await db().query.builds.findFirst({ where: eq(builds.id, scale.buildId) }))!;
    expect(scaled.status).toBe('SUCCEEDED');
    expect(scaled.secrets).toBeNull();
    expect(scaled.secretOutputs).toBeNull();
    const urls = scaled.outputs.find((o) => o.key === 'urls')!.values;
    expect(urls).toHaveLength(2);
    for (const u of urls) expect(await seenBy(u)).toEqual({ db: sha256(dbPassword), admin: sha256(adminPassword) });
    expect((await getBuildDetail(db(), creator, scale.buildId)).outputs.filter((o) => o.kind === 'secret')).toEqual([]);
    expect(await tablesHolding(dbPassword)).toEqual([]);
    expect(await tablesHolding(adminPassword)).toEqual([]);
    await expectSecretsOnlyIn(unitGroupId, [dbPassword, adminPassword]);
  });

  it('are masked where a failed application’s last words are recorded', async () => {
    const dbPassword = `Db${randomBytes(12).toString('hex')}`;
    const { buildId, unitGroupId } = await submitBuild(db(), creator, {
      templateSlug: 'secret-keeper',
      unitGroupName: uniqueName('secrets-crash'),
      provider: 'local',
      flavor: 'small',
      parameters: { nodes: 1, dbPassword, crash: true },
    });
    created.push(unitGroupId);
    await expect(runBuild(db(), buildId)).rejects.toBeInstanceOf(BuildFailedError);

    const build = (await db().query.builds.findFirst({ where: eq(builds.id, buildId) }))!;
    const { secrets } = await loadTemplateRuntime(db(), unitGroupId, build.templateVersionId);
    expect(build.status).toBe('FAILED');
    expect(build.error).toMatch(/keeper exited.*config: db=\*{8} admin=\*{8}/);
    const [node] = await db().select().from(nodes).where(eq(nodes.unitGroupId, unitGroupId));
    expect(node!.stateReason).toMatch(/config: db=\*{8} admin=\*{8}/);
    expect(await tablesHolding(dbPassword)).toEqual([]);
    expect(await tablesHolding(secrets.adminPassword!)).toEqual([]);
    // The application's own log keeps what it printed, for its user alone.
    await expectSecretsOnlyIn(unitGroupId, [dbPassword, secrets.adminPassword!], ['apps.json', 'apps/keeper.log', 'desired.json']);
  });
});
