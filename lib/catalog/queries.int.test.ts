// The catalog as the API lists it: pages of templates, newest first, each with its newest version.
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { closeQueue } from '@/lib/jobs/queue';
import { organizationWithMember, uniqueName } from '@/test/fixtures';
import { copyTemplate } from './copy-template';
import { listCatalog, listTemplates } from './queries';
import { ZTemplateSummary } from './views';

afterAll(async () => {
  await closeQueue();
  await closeDb();
});

describe('listTemplates', () => {
  it('pages through what listCatalog shows, newest template first', async () => {
    const { organizationId, actor } = await organizationWithMember();
    const outsider = await organizationWithMember();
    const { slug } = await copyTemplate(db(), actor, { slug: 'web-hello', organizationId, newSlug: uniqueName('paged') });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listTemplates(db(), actor, { limit: 3, cursor });
      expect(page.templates.length).toBeLessThanOrEqual(3);
      for (const t of page.templates) expect(ZTemplateSummary.strict().safeParse(t).success).toBe(true);
      seen.push(...page.templates.map((t) => `${t.slug}@${t.version}:${t.organizationId}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const catalog = (await listCatalog(db(), actor)).map((e) => `${e.slug}@${e.version}:${e.organizationId}`);
    expect([...seen].sort()).toEqual([...catalog].sort());
    // The copy is the newest.
    expect((await listTemplates(db(), actor, { limit: 1 })).templates[0]?.slug).toBe(slug);
    expect((await listTemplates(db(), outsider.actor, { limit: 200 })).templates.map((t) => t.slug)).not.toContain(slug);
  });
});
