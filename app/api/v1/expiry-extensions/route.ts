import { NextResponse } from 'next/server';
import { listExtensionQueue } from '@/lib/expiry/queries';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/v1/expiry-extensions?state=pending|approved|rejected – NII staff: every organization's extension requests → { extensions }
export const GET = withActor(async ({ req, actor, db }) =>
  NextResponse.json({ extensions: await listExtensionQueue(db, actor, Object.fromEntries(new URL(req.url).searchParams)) }),
);
