// Unit groups (the VCP SDK's UnitGroup / VC): list, read, tear down, power.
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZNextCursor, ZPageQuery } from '@/lib/api/pagination';
import { ZIdParams, ZOperation } from '@/lib/api/schemas/common';
import { ZPowerInput } from '@/lib/nodes/power-many';
import { ZPauseSchedule } from '@/lib/schedules/manual-change';
import { ZUnitGroupDetail, ZUnitGroupSummary } from '@/lib/unit-groups/views';

export const unitGroupRoutes = {
  listUnitGroups: defineRoute({
    method: 'GET',
    path: '/api/v1/unit-groups',
    operationId: 'listUnitGroups',
    tag: 'Unit groups',
    summary: 'Unit groups the caller may see, newest first',
    access: 'signedIn',
    query: ZPageQuery,
    status: 200,
    output: z.object({ unitGroups: z.array(ZUnitGroupSummary), nextCursor: ZNextCursor }),
  }),
  getUnitGroup: defineRoute({
    method: 'GET',
    path: '/api/v1/unit-groups/{id}',
    operationId: 'getUnitGroup',
    tag: 'Unit groups',
    summary: 'A unit group with its units, nodes and applications',
    access: { permission: 'read' },
    params: ZIdParams,
    status: 200,
    output: z.object({ unitGroup: ZUnitGroupDetail }),
  }),
  deleteUnitGroup: defineRoute({
    method: 'DELETE',
    path: '/api/v1/unit-groups/{id}',
    operationId: 'deleteUnitGroup',
    tag: 'Unit groups',
    summary: 'Tear the unit group down: it goes DELETING, then disappears',
    access: { permission: 'build' },
    params: ZIdParams,
    status: 202,
    output: z.object({ state: z.literal('DELETING') }),
  }),
  powerUnitGroup: defineRoute({
    method: 'POST',
    path: '/api/v1/unit-groups/{id}/power',
    operationId: 'powerUnitGroup',
    tag: 'Unit groups',
    summary: 'Power every node of the unit group off or on, as a build',
    access: { permission: 'build' },
    params: ZIdParams,
    body: ZPowerInput.extend(ZPauseSchedule.shape),
    status: 202,
    output: ZOperation,
  }),
};
