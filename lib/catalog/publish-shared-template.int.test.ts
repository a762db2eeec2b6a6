import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, templateVersions, users } from '@/lib/db/schema';
import { DEMO_STAFF } from '@/lib/db/seed';
import type { AppError } from '@/lib/errors';
import { organizationWithMember, seededLabAdmin, uniqueName } from '@/test/fixtures';
import { copyTemplate } from './copy-template';
import { publishSharedTemplate } from './publish-shared-template';
import { getTemplateDetail, listCatalog } from './queries';
import { saveTemplateVersion } from './save-template-version';

let staff: Actor;
let member: Actor;

const failure = (p: Promise<unknown>) => p.then(() => expect.fail('expected an error'), (e: unknown) => e as AppError);

const yamlOf = (slug: string, version: string, nodesMax = 5) => `slug: ${slug}
version: ${version}
category: web
title: { ja: 共有の試験テンプレート, en: Shared test template }
summary: { ja: NII が公開する試験用のテンプレート, en: A test template NII publishes }
changelog:
  - { version: ${version}, date: 2026-12-01, changes: { ja: この版, en: This version } }
parameters:
  type: object
  properties:
    nodes: { type: integer, minimum: 1, maximum: ${nodesMax}, default: 1, x-label: { ja: ノード数, en: Nodes } }
units:
  - { name: web, role: web, nodes: nodes, image: "ocs/base:1.0", flavor: small, providers: [local] }
steps:
  - { key: create-nodes, action: create-nodes, title: { ja: ノードを作成, en: Create the nodes } }
`;

beforeAll(async () => {
  await seededLabAdmin();
  const user = await db().query.users.findFirst({ where: eq(users.email, DEMO_STAFF.email) });
  staff = (await loadActor(db(), user!.id))!;
  ({ actor: member } = await organizationWithMember({ role: 'owner' }));
});

afterAll(async () => {
  await closeDb();
});

describe('the shared catalog', () => {
  it('takes a new template and new versions from NII staff, for everyone', async () => {
    const slug = uniqueName('shared');
    expect(await publishSharedTemplate(db(), staff, { yaml: yamlOf(slug, '1.0.0') }, { ip: null })).toMatchObject({ slug, version: '1.0.0' });
    // Shared: seen without an actor and by any member.
    expect((await listCatalog(db())).find((e) => e.slug === slug)).toMatchObject({ organizationId: null, version: '1.0.0' });
    expect((await listCatalog(db(), member)).map((e) => e.slug)).toContain(slug);

    const saved = await saveTemplateVersion(db(), staff, { slug, yaml: yamlOf(slug, '1.1.0', 8) });
    expect(saved.version).toBe('1.1.0');
    const detail = await getTemplateDetail(db(), slug, member);
    expect(detail.version).toBe('1.1.0');
    expect(detail.versions.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
    const published = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'template.publish'), eq(auditEvents.targetId, detail.templateId)));
    expect(published.map((e) => (e.details as { template: string }).template).sort()).toEqual([`${slug}@1.0.0`, `${slug}@1.1.0`]);

    // The same slug again is a field error, and so is a version not greater than the newest.
    expect((await failure(publishSharedTemplate(db(), staff, { yaml: yamlOf(slug, '2.0.0') }))).details?.errors).toEqual([expect.objectContaining({ line: 1, path: 'slug' })]);
    expect((await failure(saveTemplateVersion(db(), staff, { slug, yaml: yamlOf(slug, '1.0.5') }))).details?.errors).toEqual([
      { line: 2, column: 10, path: 'version', message: 'must be greater than the newest version 1.1.0' },
    ]);
  });

  it('refuses members and API tokens, however high their role, and stores nothing', async () => {
    const slug = uniqueName('shared');
    await publishSharedTemplate(db(), staff, { yaml: yamlOf(slug, '1.0.0') });
    const before = await db().select({ id: templateVersions.id }).from(templateVersions);
    const staffToken: Actor = { ...staff, token: { id: 'x', prefix: 'ocs_x', organizationId: member.memberships[0]!.organizationId, role: 'fullaccess' } };
    for (const actor of [member, staffToken]) {
      expect((await failure(publishSharedTemplate(db(), actor, { yaml: yamlOf(uniqueName('mine'), '1.0.0') }))).code).toBe('FORBIDDEN');
      expect((await failure(saveTemplateVersion(db(), actor, { slug, yaml: yamlOf(slug, '1.1.0') }))).code).toBe('FORBIDDEN');
      expect((await failure(saveTemplateVersion(db(), actor, { slug: 'web-hello', yaml: 'slug: web-hello' }))).code).toBe('FORBIDDEN');
    }
    expect(await db().select({ id: templateVersions.id }).from(templateVersions)).toHaveLength(before.length);
  });

  it("never takes a slug an organization's copy uses", async () => {
    const copy = uniqueName('copied');
    await copyTemplate(db(), member, { slug: 'web-hello', newSlug: copy });
    const e = await failure(publishSharedTemplate(db(), staff, { yaml: yamlOf(copy, '1.0.0') }));
    expect(e.details?.fields?.yaml).toMatch(/^ocs-template\.yaml:1:7 slug: .* is already a template/);
  });
});
