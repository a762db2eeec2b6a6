import { and, eq } from 'drizzle-orm';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, builds, memberships, templates, templateVersions, users } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { errorResponse } from '@/lib/http/route';
import { closeQueue } from '@/lib/jobs/queue';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { localResourcesOf, organizationWithMember, uniqueName } from '@/test/fixtures';
import { copyTemplate } from './copy-template';
import { getCatalogEntryOrThrow, getTemplateDetail, listCatalog } from './queries';
import { saveTemplateVersion } from './save-template-version';
import { getTemplateSource } from './template-source';

let owner: Actor;
let organizationId: string;
let viewer: Actor;
let outsider: Actor;
let slug: string;
const created: string[] = [];

const failure = (p: Promise<unknown>) => p.then(() => expect.fail('expected an error'), (e: unknown) => e as AppError);

/** The copy's newest YAML with another version and a changelog entry for it, edited as a person would. */
async function edited(version: string, change: (doc: ReturnType<typeof parseDocument>) => void = () => {}): Promise<string> {
  const doc = parseDocument((await getTemplateSource(db(), owner, slug)).yaml);
  doc.set('version', version);
  const changelog = doc.get('changelog') as { items: unknown[] };
  changelog.items.unshift(doc.createNode({ version, date: '2026-12-01', changes: { ja: '変更しました。', en: 'Changed.' } }));
  change(doc);
  return doc.toString();
}

beforeAll(async () => {
  ({ actor: owner, organizationId } = await organizationWithMember({ role: 'owner' }));
  ({ actor: outsider } = await organizationWithMember({ role: 'owner' }));
  const [user] = await db().insert(users).values({ email: `${uniqueName('viewer')}@demo-univ.ac.jp`, name: 'Viewer' }).returning();
  await db().insert(memberships).values({ organizationId, userId: user!.id, role: 'viewer' });
  viewer = (await loadActor(db(), user!.id))!;
  slug = uniqueName('my-web');
});

afterAll(async () => {
  for (const id of created) await deleteUnitGroup(db(), id);
  await closeQueue();
  await closeDb();
});

describe("an organization's copy of a template", () => {
  it('is seen by its organization only', async () => {
    const shared = await getCatalogEntryOrThrow(db(), 'web-hello');
    expect(await copyTemplate(db(), owner, { slug: 'web-hello', newSlug: slug }, { ip: '192.0.2.7' })).toMatchObject({ slug });

    const copy = await getTemplateDetail(db(), slug, owner);
    expect(copy).toMatchObject({ organizationId, sourceSlug: 'web-hello', version: '0.1.0', category: 'web' });
    expect(copy.definition.title).toEqual({ ja: `${shared.definition.title.ja} (コピー)`, en: `${shared.definition.title.en} (copy)` });
    expect(copy.definition.changelog).toEqual([{ version: '0.1.0', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), changes: expect.objectContaining({ en: `Copied from web-hello ${shared.version}.` }) }]);
    expect(copy.readme).toBe((await getTemplateDetail(db(), 'web-hello')).readme);
    // The YAML keeps the original's comments, for whoever edits it.
    expect((await getTemplateSource(db(), owner, slug)).yaml).toContain('# This machine');
    const row = await db().query.templates.findFirst({ where: eq(templates.id, copy.templateId) });
    expect(row?.copiedFromVersionId).toBe(shared.versionId);

    expect((await listCatalog(db(), owner)).map((e) => e.slug)).toEqual(expect.arrayContaining([slug, 'web-hello']));
    expect((await listCatalog(db(), viewer)).map((e) => e.slug)).toContain(slug);
    expect((await listCatalog(db(), outsider)).map((e) => e.slug)).not.toContain(slug);
    expect((await listCatalog(db())).map((e) => e.slug)).not.toContain(slug);
    for (const attempt of [
      () => getTemplateDetail(db(), slug, outsider),
      () => getTemplateSource(db(), outsider, slug),
      () => saveTemplateVersion(db(), outsider, { slug, yaml: 'slug: x' }),
      () => copyTemplate(db(), outsider, { slug, newSlug: uniqueName('stolen') }),
      () => submitBuild(db(), outsider, { templateSlug: slug, unitGroupName: uniqueName('x'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } }),
    ]) {
      const e = await failure(attempt());
      // A build names the field instead: no such template to build from.
      if (e.code === 'INVALID_INPUT') expect(e.details?.fields?.templateSlug).toMatch(/no template/);
      else expect(e.code).toBe('NOT_FOUND');
    }

    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'template.copy'), eq(auditEvents.targetId, copy.templateId)));
    expect(audit).toMatchObject({ organizationId, outcome: 'success', actorUserId: owner.userId, ipAddress: '192.0.2.7' });
  });

  it('refuses a viewer, and a slug already in use', async () => {
    expect((await failure(copyTemplate(db(), viewer, { slug: 'web-hello', organizationId, newSlug: uniqueName('v') }))).code).toBe('FORBIDDEN');
    expect((await failure(saveTemplateVersion(db(), viewer, { slug, yaml: await edited('0.9.0') }))).code).toBe('FORBIDDEN');
    for (const taken of [slug, 'tljh']) {
      const e = await failure(copyTemplate(db(), owner, { slug: 'web-hello', newSlug: taken }));
      expect(e.details?.fields?.newSlug).toMatch(/already used/);
    }
  });

  it('rejects a broken edit with errors naming line and field, and stores nothing', async () => {
    const before = await db().select({ id: templateVersions.id }).from(templateVersions);
    const yaml = (await edited('0.2.0')).replace(/^(\s+)nodes: nodes$/m, '$1nodes: 99');
    const line = yaml.split('\n').findIndex((l) => /^\s+nodes: 99$/.test(l)) + 1;
    const e = await failure(saveTemplateVersion(db(), owner, { slug, yaml }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(new RegExp(`^ocs-template\\.yaml:${line}:\\d+ units\\[0\\]\\.nodes: `));
    expect(e.details?.fields?.yaml).toMatch(new RegExp(`^ocs-template\\.yaml:${line}:\\d+ units\\[0\\]\\.nodes: expected a node count from 0 to 50`));
    expect(e.details?.errors).toEqual([{ line, column: expect.any(Number), path: 'units[0].nodes', message: expect.stringContaining('0 to 50') }]);
    // Over HTTP: a 400 with every error listed.
    const res = errorResponse(e);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { details: { errors: unknown[] } } }).error.details.errors).toHaveLength(1);

    const syntax = await failure(saveTemplateVersion(db(), owner, { slug, yaml: 'slug: [\nversion: 0.2.0' }));
    expect(syntax.details?.errors).toEqual([expect.objectContaining({ line: expect.any(Number), path: '', message: expect.stringMatching(/^YAML: /) })]);
    expect(await db().select({ id: templateVersions.id }).from(templateVersions)).toHaveLength(before.length);
  });

  it('refuses a version not greater than the newest, or another slug, as an error on that field', async () => {
    const same = (await getTemplateSource(db(), owner, slug)).yaml;
    const e = await failure(saveTemplateVersion(db(), owner, { slug, yaml: same }));
    expect(e.details?.errors).toEqual([{ line: 3, column: 10, path: 'version', message: 'must be greater than the newest version 0.1.0' }]);
    expect(e.details?.fields?.yaml).toBe('ocs-template.yaml:3:10 version: must be greater than the newest version 0.1.0');
    const renamed = (await edited('0.2.0')).replace(`slug: ${slug}`, 'slug: other-name');
    expect((await failure(saveTemplateVersion(db(), owner, { slug, yaml: renamed }))).details?.errors).toEqual([expect.objectContaining({ line: 2, path: 'slug' })]);
  });

  it('saves a valid edit as version 0.2.0, leaving 0.1.0 as it was', async () => {
    const first = await getCatalogEntryOrThrow(db(), slug, owner);
    const yaml = await edited('0.2.0', (doc) => doc.setIn(['parameters', 'properties', 'nodes', 'maximum'], 3));
    const saved = await saveTemplateVersion(db(), owner, { slug, yaml }, { ip: null });
    expect(saved).toMatchObject({ slug, version: '0.2.0' });

    const detail = await getTemplateDetail(db(), slug, owner);
    expect(detail.version).toBe('0.2.0');
    expect(detail.versions.map((v) => v.version)).toEqual(['0.2.0', '0.1.0']);
    expect(detail.definition.parameters.properties.nodes).toMatchObject({ maximum: 3 });
    const old = await db().query.templateVersions.findFirst({ where: eq(templateVersions.id, first.versionId) });
    expect(old).toMatchObject({ version: '0.1.0', definition: first.definition });
    expect((await getTemplateSource(db(), owner, slug)).yaml).toBe(yaml);
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'template.edit'), eq(auditEvents.targetId, first.templateId)));
    expect(audit).toMatchObject({ organizationId, outcome: 'success', details: expect.objectContaining({ template: `${slug}@0.2.0` }) });
    // The edit applies: the new maximum is enforced.
    const tooMany = await failure(submitBuild(db(), owner, { templateSlug: slug, unitGroupName: uniqueName('many'), provider: 'local', flavor: 'small', parameters: { nodes: 4 } }));
    expect(tooMany.details?.fields?.['parameters.nodes']).toBeTruthy();
  });

  it("builds from the copy on the local provider, running the original's program, and records the exact version", async () => {
    const copy = await getCatalogEntryOrThrow(db(), slug, owner);
    const { buildId, unitGroupId } = await submitBuild(db(), owner, { templateSlug: slug, unitGroupName: uniqueName('copy'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } });
    created.push(unitGroupId);
    await runBuild(db(), buildId);
    const build = await db().query.builds.findFirst({ where: eq(builds.id, buildId) });
    expect(build).toMatchObject({ status: 'SUCCEEDED', templateVersionId: copy.versionId });
    const version = await db().query.templateVersions.findFirst({ where: eq(templateVersions.id, build!.templateVersionId) });
    expect(version).toMatchObject({ version: '0.2.0', templateId: copy.templateId });
    const urls = build!.outputs.flatMap((o) => o.values);
    expect(urls).toHaveLength(1);
    const text = await (await fetch(urls[0]!, { signal: AbortSignal.timeout(3000) })).text();
    expect(text).toContain('Hello');
    await deleteUnitGroup(db(), unitGroupId);
    expect(await localResourcesOf(unitGroupId)).toHaveLength(0);
  });
});
