import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';
import { submitApplication } from '@/lib/service-applications/applications';

export const dynamic = 'force-dynamic';

// POST /api/v1/service-applications/:id/submit – send the application to NII staff for review (applicant)
export const POST = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => NextResponse.json({ application: await submitApplication(db, actor, idOrNotFound(params.id, 'application'), meta) }),
  { audit: 'application.submit' },
);
