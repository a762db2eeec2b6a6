// From a schedule's target and the unit's nodes as they are, the one change to make next: power
// on the nodes that are to stay, then change the node count, then power off the rest. One change
// at a time, as the unit group takes one at a time; the next round makes the next.
import { nodesToRemove } from '@/lib/burst/placement';
import type { Node } from '@/lib/db/schema';
import { canPowerNodes } from '@/lib/providers/catalog';
import type { Target } from './timetable';

export type PlanNode = Pick<Node, 'id' | 'nodeNo' | 'provider' | 'state' | 'providerResourceId'>;

export type PlannedChange =
  | { kind: 'none' }
  | { kind: 'wait'; reason: string }
  | { kind: 'scale'; numNodes: number }
  | { kind: 'power'; action: 'on' | 'off'; nodes: PlanNode[] };

const ON = new Set<Node['state']>(['RUNNING', 'CONTAINER_ERROR', 'HOST_ERROR']);
const MOVING = new Set<Node['state']>(['BOOTING', 'SHUTTING_DOWN']);

/** A node the scheduler can power: its provider can, and its machine exists. */
const powerable = (n: PlanNode) => canPowerNodes(n.provider) && !!n.providerResourceId;

/**
 * The next change towards the target, for the unit's live nodes (not deleted, not being deleted).
 * Powered-off nodes are powered on before the count changes: a scale build starts the
 * applications on every node of the unit group, which a powered-off one cannot do.
 */
export function planChange(target: Target, live: PlanNode[], unit: { provider: string }): PlannedChange {
  const moving = live.filter((n) => MOVING.has(n.state));
  if (moving.length) return { kind: 'wait', reason: `node(s) ${moving.map((n) => n.nodeNo).join(', ')} are being powered off or on` };
  const byNo = [...live].sort((a, b) => a.nodeNo - b.nodeNo);
  // The nodes that stay when the unit shrinks (a scale-in removes overflow nodes, then the highest-numbered).
  const leaving = target.nodes !== null && live.length > target.nodes ? new Set(nodesToRemove(live, unit, live.length - target.nodes).map((n) => n.id)) : new Set<string>();
  const staying = byNo.filter((n) => !leaving.has(n.id));
  const wantedOn = new Set(staying.slice(0, target.running).map((n) => n.id));
  const toPowerOn = staying.filter((n) => wantedOn.has(n.id) && n.state === 'POWER_OFF' && powerable(n));
  if (toPowerOn.length) return { kind: 'power', action: 'on', nodes: toPowerOn };
  if (target.nodes !== null && target.nodes !== live.length) return { kind: 'scale', numNodes: target.nodes };
  const toPowerOff = staying.filter((n) => !wantedOn.has(n.id) && ON.has(n.state) && powerable(n));
  if (toPowerOff.length) return { kind: 'power', action: 'off', nodes: toPowerOff };
  return { kind: 'none' };
}
