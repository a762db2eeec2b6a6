import { NextResponse } from 'next/server';
import { withActor } from '@/lib/http/route';
import { listUnitGroups } from '@/lib/unit-groups/queries';

export const dynamic = 'force-dynamic';

// GET /api/v1/unit-groups – unit groups the caller may see
export const GET = withActor(async ({ actor, db }) => NextResponse.json({ unitGroups: await listUnitGroups(db, actor) }));
