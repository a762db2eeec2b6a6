import { NextResponse } from 'next/server';
import { requestBuildCancel } from '@/lib/builds/cancel-build';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// POST /api/v1/builds/:id/cancel – stop a queued or running build { mode: keep | teardown } → 202
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    await requestBuildCancel(db, actor, idOrNotFound(params.id, 'build'), await jsonBody(req), meta);
    return NextResponse.json({ cancelRequested: true }, { status: 202 });
  },
  { audit: 'build.cancel' },
);
