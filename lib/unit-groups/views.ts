// The unit group, unit, node and application as the API shows them (the VCP SDK's df_nodes
// columns under their portal names): no agent credential, sealed spec or owner id leaves here.
import { z } from 'zod';
import { ZNextCursor } from '@/lib/api/pagination';
import { ZTimestamp } from '@/lib/api/schemas/common';
import { applicationState, nodeState, unitGroupState, unitState } from '@/lib/db/schema';

const ZUnitGroupState = z.enum(unitGroupState.enumValues);

/** How many of each unit's nodes a unit group's read carries: its size stays bounded however big the unit. */
export const UNIT_NODES_PAGE = 50;

export const ZUnitGroupSummary = z
  .object({
    id: z.uuid(),
    name: z.string(),
    organizationId: z.uuid(),
    organizationName: z.string(),
    state: ZUnitGroupState,
    stateReason: z.string().nullable(),
    nodeCount: z.number().int().describe('Live nodes.'),
    runningCount: z.number().int().describe('Nodes RUNNING.'),
    expiresAt: ZTimestamp.nullable(),
    createdAt: ZTimestamp,
  })
  .meta({ id: 'UnitGroupSummary' });

export const ZApplicationView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    image: z.string(),
    port: z.number().int().nullable(),
    url: z.string().nullable().describe('Where it answers, when it listens on a port.'),
    state: z.enum(applicationState.enumValues),
    stateReason: z.string().nullable(),
  })
  .meta({ id: 'Application' });

export const ZPrivateNetworkView = z
  .object({
    address: z.string(),
    state: z.enum(['pending', 'up', 'error']),
    problem: z.string().nullable(),
    peers: z.object({ direct: z.number().int(), relay: z.number().int(), none: z.number().int() }),
  })
  .meta({ id: 'PrivateNetwork' });

export const ZNodeView = z
  .object({
    id: z.uuid(),
    unitId: z.uuid(),
    nodeNo: z.number().int().describe('The node\'s number in its unit (node_no).'),
    name: z.string().describe('The machine\'s name at its provider (cloud_instance_name).'),
    state: z.enum(nodeState.enumValues),
    stateReason: z.string().nullable(),
    provider: z.string(),
    flavor: z.string(),
    ipAddress: z.string().nullable().describe('cloud_instance_address.'),
    cloudInstanceId: z.string().nullable().describe('The machine\'s id at its provider.'),
    startedAt: ZTimestamp.nullable(),
    lastHeartbeatAt: ZTimestamp.nullable(),
    agentVersion: z.string().nullable(),
    createdAt: ZTimestamp,
    applications: z.array(ZApplicationView),
    privateNetwork: ZPrivateNetworkView.nullable().describe('Its place on the unit group\'s private network; null on local.'),
  })
  .meta({ id: 'Node' });

export const ZBurstView = z
  .object({
    provider: z.string(),
    providerAccountId: z.uuid().nullable(),
    flavor: z.string(),
    maxNodes: z.number().int(),
    queue: z.object({ pendingSeconds: z.number().int(), idleSeconds: z.number().int() }).optional(),
  })
  .meta({ id: 'BurstPolicy' });

export const ZUnitView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: z.string(),
    state: z.enum(unitState.enumValues),
    provider: z.string(),
    flavor: z.string(),
    numNodes: z.number().int(),
    image: z.string(),
    instanceType: z.string().nullable(),
    volumeSize: z.number().int().nullable(),
    providerAccountId: z.uuid().nullable(),
    ipAddresses: z.array(z.string()),
    tags: z.record(z.string(), z.string()),
    burst: ZBurstView.nullable(),
    createdAt: ZTimestamp,
    nodeCount: z.number().int().describe('Its nodes (not deleted).'),
    nodes: z.array(ZNodeView).describe(`Its first ${UNIT_NODES_PAGE} nodes by number: the rest come from GET /api/v1/units/{id}/nodes.`),
    nodesNextCursor: ZNextCursor.describe('The cursor of GET /api/v1/units/{id}/nodes for the nodes after these; null when these are all.'),
  })
  .meta({ id: 'Unit' });

export const ZUnitGroupDetail = z
  .object({
    id: z.uuid(),
    name: z.string(),
    organizationId: z.uuid(),
    state: ZUnitGroupState,
    stateReason: z.string().nullable(),
    expiresAt: ZTimestamp.nullable(),
    expiredAt: ZTimestamp.nullable(),
    createdAt: ZTimestamp,
    updatedAt: ZTimestamp,
    buildId: z.uuid().nullable().describe('Its latest build.'),
    workQueue: z.boolean().describe('Its template runs a work queue (Slurm) that can drive a unit\'s size.'),
    units: z.array(ZUnitView),
  })
  .meta({ id: 'UnitGroup' });

export type UnitGroupSummaryView = z.input<typeof ZUnitGroupSummary>;
export type NodeView = z.input<typeof ZNodeView>;
export type UnitView = z.input<typeof ZUnitView>;
export type UnitGroupDetailView = z.input<typeof ZUnitGroupDetail>;
