import { NextResponse } from 'next/server';
import { getBuildDetail } from '@/lib/builds/queries';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/v1/builds/:id – a build with its steps and log lines (?afterLogId=N for new lines only)
export const GET = withActor<{ id: string }>(async ({ req, actor, params, db }) => {
  const raw = Number(new URL(req.url).searchParams.get('afterLogId') ?? 0);
  const after = Number.isSafeInteger(raw) && raw > 0 ? raw : 0;
  return NextResponse.json({ build: await getBuildDetail(db, actor, idOrNotFound(params.id, 'build'), after) });
});
