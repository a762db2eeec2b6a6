import { NextResponse } from 'next/server';
import { withActor } from '@/lib/http/route';
import { providerCatalog } from '@/lib/providers/catalog';

export const dynamic = 'force-dynamic';

// GET /api/v1/providers – providers a build may target, with their flavors (as get_spec / df_flavors)
export const GET = withActor(async () => NextResponse.json({ providers: providerCatalog() }));
