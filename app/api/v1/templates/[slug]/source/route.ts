import { NextResponse } from 'next/server';
import { getTemplateSource } from '@/lib/catalog/template-source';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/v1/templates/:slug/source – the newest version as YAML text, for the editor
export const GET = withActor<{ slug: string }>(async ({ actor, params, db }) => NextResponse.json(await getTemplateSource(db, actor, params.slug)));
