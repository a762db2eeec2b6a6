import { NextResponse } from 'next/server';
import { listBuilds } from '@/lib/builds/queries';
import { submitBuild } from '@/lib/builds/submit-build';
import { jsonBody, withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/v1/builds – builds the caller may see, newest first
export const GET = withActor(async ({ actor, db }) => NextResponse.json({ builds: await listBuilds(db, actor) }));

// POST /api/v1/builds – submit a build { templateSlug, unitGroupName, provider, flavor?, flavorByRole?, parameters } → 202
export const POST = withActor(
  async ({ req, actor, meta, db }) => {
    const ids = await submitBuild(db, actor, await jsonBody(req), meta);
    return NextResponse.json(ids, { status: 202 });
  },
  { audit: 'build.submit' },
);
