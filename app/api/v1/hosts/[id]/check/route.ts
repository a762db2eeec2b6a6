import { NextResponse } from 'next/server';
import { checkHost } from '@/lib/hosts/check-host';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// POST /api/v1/hosts/:id/check – 接続テスト over SSH; pins the host key on first contact → { host, check: { ok, reason, fingerprint, system } }
export const POST = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => NextResponse.json(await checkHost(db, actor, idOrNotFound(params.id, 'host'), meta)),
  { audit: 'host.check' },
);
