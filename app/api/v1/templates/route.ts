import { NextResponse } from 'next/server';
import { publishSharedTemplate } from '@/lib/catalog/publish-shared-template';
import { listCatalog } from '@/lib/catalog/queries';
import { jsonBody, withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/v1/templates – the catalog (shared and the caller's organizations' own), newest version of each template
export const GET = withActor(async ({ actor, db }) => {
  const entries = await listCatalog(db, actor);
  return NextResponse.json({
    templates: entries.map((e) => ({
      slug: e.slug,
      category: e.category,
      version: e.version,
      versionId: e.versionId,
      organizationId: e.organizationId,
      sourceSlug: e.sourceSlug,
      title: e.definition.title,
      summary: e.definition.summary,
    })),
  });
});

// POST /api/v1/templates – NII staff: a new shared template from { yaml } → 201 { slug, version }
export const POST = withActor(
  async ({ req, actor, meta, db }) => {
    const published = await publishSharedTemplate(db, actor, await jsonBody(req), meta);
    return NextResponse.json(published, { status: 201 });
  },
  { audit: 'template.publish' },
);
