import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';
import { requestUnitGroupDeletion } from '@/lib/unit-groups/request-deletion';
import { getUnitGroupDetail } from '@/lib/unit-groups/queries';

export const dynamic = 'force-dynamic';

// GET /api/v1/unit-groups/:id – units, nodes and applications
export const GET = withActor<{ id: string }>(async ({ actor, params, db }) =>
  NextResponse.json({ unitGroup: await getUnitGroupDetail(db, actor, idOrNotFound(params.id, 'unit group')) }),
);

// DELETE /api/v1/unit-groups/:id – tear the unit group down (202; it goes DELETING, then disappears)
export const DELETE = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => {
    await requestUnitGroupDeletion(db, actor, idOrNotFound(params.id, 'unit group'), meta);
    return NextResponse.json({ state: 'DELETING' }, { status: 202 });
  },
  { audit: 'unitGroup.delete' },
);
