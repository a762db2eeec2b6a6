import { NextResponse } from 'next/server';
import { jsonBody, withActor } from '@/lib/http/route';
import { createOrganizationDirectly } from '@/lib/service-applications/direct-organization';

export const dynamic = 'force-dynamic';

// POST /api/v1/organizations/direct – portable edition: create your institution's first organization, as its owner → 201 (404 in the service edition)
export const POST = withActor(
  async ({ req, actor, meta, db }) => NextResponse.json({ organization: await createOrganizationDirectly(db, actor, await jsonBody(req), meta) }, { status: 201 }),
  { audit: 'organization.create' },
);
