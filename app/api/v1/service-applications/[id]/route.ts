import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { updateApplication } from '@/lib/service-applications/applications';
import { getApplication } from '@/lib/service-applications/queries';

export const dynamic = 'force-dynamic';

// GET /api/v1/service-applications/:id – the application with its comment thread (applicant and staff only)
export const GET = withActor<{ id: string }>(async ({ actor, params, db }) =>
  NextResponse.json({ application: await getApplication(db, actor, idOrNotFound(params.id, 'application')) }),
);

// PATCH /api/v1/service-applications/:id – edit fields of a draft or of an application returned for changes (applicant)
export const PATCH = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) =>
    NextResponse.json({ application: await updateApplication(db, actor, idOrNotFound(params.id, 'application'), await jsonBody(req), meta) }),
  { audit: 'application.update' },
);
