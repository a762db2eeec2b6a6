import { NextResponse } from 'next/server';
import { copyTemplate } from '@/lib/catalog/copy-template';
import { jsonBody, withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// POST /api/v1/templates/:slug/copy – an organization's own copy { newSlug, organizationId? } → 201 { slug }
export const POST = withActor<{ slug: string }>(
  async ({ req, actor, params, meta, db }) => {
    const body = (await jsonBody(req)) as Record<string, unknown>;
    const { slug } = await copyTemplate(db, actor, { ...body, slug: params.slug }, meta);
    return NextResponse.json({ slug }, { status: 201 });
  },
  { audit: 'template.copy', auditTargetParam: 'slug' },
);
