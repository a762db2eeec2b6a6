import { NextResponse } from 'next/server';
import { checkHealth } from '@/lib/health';
import { RETRY_AFTER_SECONDS } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/health – PostgreSQL and Redis reachability (no sign-in needed); 503 names what is down
export async function GET() {
  const health = await checkHealth();
  return NextResponse.json(health, { status: health.ok ? 200 : 503, headers: health.ok ? undefined : { 'Retry-After': String(RETRY_AFTER_SECONDS) } });
}
