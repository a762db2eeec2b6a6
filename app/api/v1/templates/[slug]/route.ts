import { NextResponse } from 'next/server';
import { getTemplateDetail } from '@/lib/catalog/queries';
import { db } from '@/lib/db/client';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/v1/templates/:slug – the newest version's definition, README, and every version
export const GET = withActor<{ slug: string }>(async ({ params }) => {
  const t = await getTemplateDetail(db(), params.slug);
  return NextResponse.json({ template: { slug: t.slug, category: t.category, version: t.version, versionId: t.versionId, definition: t.definition, readme: t.readme, versions: t.versions } });
});
