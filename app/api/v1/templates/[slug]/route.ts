import { NextResponse } from 'next/server';
import { getTemplateDetail } from '@/lib/catalog/queries';
import { copyTargets, mayEditTemplate } from '@/lib/catalog/template-rights';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/v1/templates/:slug – the newest version's definition, README, and every version
export const GET = withActor<{ slug: string }>(async ({ actor, params, db }) => {
  const t = await getTemplateDetail(db, params.slug, actor);
  return NextResponse.json({
    template: {
      slug: t.slug,
      category: t.category,
      version: t.version,
      versionId: t.versionId,
      organizationId: t.organizationId,
      sourceSlug: t.sourceSlug,
      definition: t.definition,
      readme: t.readme,
      versions: t.versions,
    },
    // What the caller may do with it, so the page offers only that.
    rights: { edit: mayEditTemplate(actor, t), copyTo: copyTargets(actor) },
  });
});
