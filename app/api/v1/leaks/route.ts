import { NextResponse } from 'next/server';
import { withActor } from '@/lib/http/route';
import { listLeaks } from '@/lib/leaks/list-leaks';

export const dynamic = 'force-dynamic';

// GET /api/v1/leaks – cloud machines the leak sweeper found that no node accounts for, in the
// organizations the caller may read (NII staff: all); ?organizationId, ?state=open|all
// → { leaks, graceMinutes, dryRun }
export const GET = withActor(async ({ req, actor, db }) => NextResponse.json(await listLeaks(db, actor, Object.fromEntries(new URL(req.url).searchParams))));
