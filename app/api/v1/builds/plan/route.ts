import { NextResponse } from 'next/server';
import { previewBuild } from '@/lib/builds/plan-build';
import { jsonBody, withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// POST /api/v1/builds/plan – what a build would create, its quota use and hourly cost (nothing is created)
export const POST = withActor(async ({ req, actor, db }) => NextResponse.json({ plan: await previewBuild(db, actor, await jsonBody(req)) }));
