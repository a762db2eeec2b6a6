import { NextResponse } from 'next/server';
import { apiDocument } from '@/lib/api/document';

export const dynamic = 'force-static';

// The OpenAPI 3.1 document of this API, made from the route registry; readable without signing in.
export function GET(): Response {
  return NextResponse.json(apiDocument());
}
