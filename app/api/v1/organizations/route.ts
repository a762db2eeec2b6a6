import { NextResponse } from 'next/server';
import { withActor } from '@/lib/http/route';
import { listOrganizations } from '@/lib/organizations/list-organizations';

export const dynamic = 'force-dynamic';

// GET /api/v1/organizations – the caller's organizations with their role, rights and quotas (NII staff: all)
export const GET = withActor(async ({ actor, db }) => NextResponse.json({ organizations: await listOrganizations(db, actor) }));
