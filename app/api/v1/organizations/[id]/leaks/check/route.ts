import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';
import { checkLeaksNow } from '@/lib/leaks/list-leaks';

export const dynamic = 'force-dynamic';

// POST /api/v1/organizations/:id/leaks/check – sweep the organization's cloud accounts now
// → { report: { accounts, listed, open, removed, wouldRemove, failures } }
export const POST = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => NextResponse.json({ report: await checkLeaksNow(db, actor, idOrNotFound(params.id, 'organization'), meta) }),
  { audit: 'leak.check', auditOrganizationParam: 'id' },
);
