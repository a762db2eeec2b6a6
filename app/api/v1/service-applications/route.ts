import { NextResponse } from 'next/server';
import { jsonBody, withActor } from '@/lib/http/route';
import { createApplication } from '@/lib/service-applications/applications';
import { listApplications } from '@/lib/service-applications/queries';

export const dynamic = 'force-dynamic';

// GET /api/v1/service-applications – staff: every application, submitted first; others: their own
export const GET = withActor(async ({ actor, db }) => NextResponse.json({ applications: await listApplications(db, actor) }));

// POST /api/v1/service-applications – a new draft application → 201
export const POST = withActor(
  async ({ req, actor, meta, db }) => NextResponse.json({ application: await createApplication(db, actor, await jsonBody(req), meta) }, { status: 201 }),
  { audit: 'application.create' },
);
