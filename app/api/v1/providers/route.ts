import { NextResponse } from 'next/server';
import { withActor } from '@/lib/http/route';
import { providerCatalog } from '@/lib/providers/catalog';

export const dynamic = 'force-dynamic';

// GET /api/v1/providers – every provider with its flavors (as get_spec / df_flavors), and whether builds can use it yet
export const GET = withActor(async () => NextResponse.json({ providers: providerCatalog() }));
