import { NextResponse } from 'next/server';
import { db } from '@/lib/db/client';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';
import { submitApplication } from '@/lib/service-applications/applications';

export const dynamic = 'force-dynamic';

// POST /api/v1/service-applications/:id/submit – send the application to NII staff for review (applicant)
export const POST = withActor<{ id: string }>(
  async ({ actor, params, meta }) => NextResponse.json({ application: await submitApplication(db(), actor, idOrNotFound(params.id, 'application'), meta) }),
  { audit: 'application.submit' },
);
