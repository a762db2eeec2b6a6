import { NextResponse } from 'next/server';
import { listCatalog } from '@/lib/catalog/queries';
import { db } from '@/lib/db/client';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/v1/templates – the catalog, newest version of each template
export const GET = withActor(async () => {
  const entries = await listCatalog(db());
  return NextResponse.json({
    templates: entries.map((e) => ({ slug: e.slug, category: e.category, version: e.version, versionId: e.versionId, title: e.definition.title, summary: e.definition.summary })),
  });
});
