import { NextResponse } from 'next/server';
import { retryBuild } from '@/lib/builds/retry-build';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// POST /api/v1/builds/:id/retry – run a FAILED build again from its failed step → 202
export const POST = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => {
    await retryBuild(db, actor, idOrNotFound(params.id, 'build'), meta);
    return NextResponse.json({ status: 'QUEUED' }, { status: 202 });
  },
  { audit: 'build.retry' },
);
