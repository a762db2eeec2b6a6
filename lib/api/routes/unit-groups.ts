// Unit groups (the VCP SDK's UnitGroup / VC): list, read, tear down, power.
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZNextCursor, ZPageQuery } from '@/lib/api/pagination';
import { ZIdParams, ZOperation } from '@/lib/api/schemas/common';
import { ZPowerInput } from '@/lib/nodes/power-many';
import { ZPauseSchedule } from '@/lib/schedules/manual-change';
import { ZCreateUnitGroupInput } from '@/lib/unit-groups/create-unit-group';
import { ZCreateUnitInput } from '@/lib/unit-groups/create-unit';
import { ZIpAddressQuery } from '@/lib/unit-groups/queries';
import { ZUnitGroupDetail, ZUnitGroupSummary } from '@/lib/unit-groups/views';

export const unitGroupRoutes = {
  listUnitGroups: defineRoute({
    method: 'GET',
    path: '/api/v1/unit-groups',
    operationId: 'listUnitGroups',
    tag: 'Unit groups',
    summary: 'Unit groups the caller may see, newest first',
    description: 'With `name`, the one of that name (get_ugroup): an empty list when there is none.',
    access: 'signedIn',
    query: ZPageQuery.extend({ name: z.string().max(63).optional().describe('Only the unit group of this name.') }),
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
  createUnitGroup: defineRoute({
    method: 'POST',
    path: '/api/v1/unit-groups',
    operationId: 'createUnitGroup',
    tag: 'Unit groups',
    summary: 'Make an empty unit group (create_ugroup), to add units to from specs',
    access: { permission: 'build' },
    body: ZCreateUnitGroupInput,
    status: 201,
    output: z.object({ unitGroup: ZUnitGroupDetail }),
  }),
  createUnit: defineRoute({
    method: 'POST',
    path: '/api/v1/unit-groups/{id}/units',
    operationId: 'createUnit',
    tag: 'Unit groups',
    summary: 'Add a unit of nodes made from a spec (create_unit); watch its build',
    description: 'Start from GET /api/v1/specs/{provider}/{flavor} and override what you need. The nodes run the spec\'s image (on `local`, its localCommand) and are RUNNING once each answers at its port.',
    access: { permission: 'build' },
    params: ZIdParams,
    body: ZCreateUnitInput,
    status: 202,
    output: ZOperation.extend({ unitId: z.uuid() }),
  }),
  findIpAddresses: defineRoute({
    method: 'GET',
    path: '/api/v1/unit-groups/{id}/ip-addresses',
    operationId: 'findIpAddresses',
    tag: 'Unit groups',
    summary: 'The addresses of the unit group\'s nodes (find_ip_addresses), by unit and node number',
    access: { permission: 'read' },
    params: ZIdParams,
    query: ZIpAddressQuery,
    status: 200,
    output: z.object({ ipAddresses: z.array(z.string()) }),
  }),
  cleanupUnitGroup: defineRoute({
    method: 'POST',
    path: '/api/v1/unit-groups/{id}/cleanup',
    operationId: 'cleanupUnitGroup',
    tag: 'Unit groups',
    summary: 'Delete every unit and node of the unit group (cleanup), keeping the group itself',
    access: { permission: 'build' },
    params: ZIdParams,
    status: 202,
    output: ZOperation,
  }),
};
