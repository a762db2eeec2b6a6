import { NextResponse } from 'next/server';
import { saveTemplateVersion } from '@/lib/catalog/save-template-version';
import { jsonBody, withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// POST /api/v1/templates/:slug/versions – a new version from edited YAML { yaml } → 201 { version }; 400 lists details.errors (line, column, path, message)
export const POST = withActor<{ slug: string }>(
  async ({ req, actor, params, meta, db }) => {
    const body = (await jsonBody(req)) as Record<string, unknown>;
    const saved = await saveTemplateVersion(db, actor, { ...body, slug: params.slug }, meta);
    return NextResponse.json(saved, { status: 201 });
  },
  { audit: 'template.edit', auditTargetParam: 'slug' },
);
