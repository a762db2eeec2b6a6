// The OCS notebook flow (ocs-templates' notebooks, in the VCP SDK's verbs) by the TypeScript SDK:
// after each step the caller checks what really runs against what the API says.
import { OcsClient, type UnitGroup } from '@/sdk/src/index';

export interface FlowStep {
  step: string;
  unitGroupId: string;
  /** Addresses of the RUNNING nodes, as find_ip_addresses says. */
  running: string[];
  /** Addresses that must not answer any more (powered off or deleted). */
  silent: string[];
}

/** Whether something answers HTTP at the address's port 8080 (the spec's default). */
export async function answersHttp(ip: string, port = 8080): Promise<boolean> {
  const res = await fetch(`http://${ip}:${port}/`, { signal: AbortSignal.timeout(3000) }).catch(() => null);
  return res?.status === 200;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`notebook flow: ${what}`);
}

export async function notebookFlowBySdk(client: OcsClient, name: string, observe: (step: FlowStep) => Promise<void>): Promise<void> {
  const ug: UnitGroup = await client.createUnitGroup(name);
  const step = async (label: string, silent: string[] = []) => observe({ step: label, unitGroupId: ug.id, running: await ug.findIpAddresses({ nodeState: 'RUNNING' }), silent });

  const spec = await client.getSpec('local', 'small');
  const unit = await ug.createUnit('web', { ...spec, numNodes: 2, instanceType: spec.instanceType ?? undefined, volumeSize: spec.volumeSize ?? undefined });
  check(unit.nodes.length === 2 && unit.nodes.every((n) => n.state === 'RUNNING'), `create_unit made ${unit.nodes.map((n) => n.state).join(', ')}`);
  await step('create_unit');

  await unit.addNodes({ count: 1 });
  check(unit.nodes.length === 3, `add_nodes left ${unit.nodes.length} node(s)`);
  await step('add_nodes');

  const last = unit.nodes.at(-1)!;
  await unit.powerOffNodes({ nodeNos: [last.nodeNo] });
  check(unit.nodes.find((n) => n.id === last.id)?.state === 'POWER_OFF', 'power_off_nodes did not power the node off');
  await step('power_off_nodes', [last.ipAddress!]);

  await unit.powerOnNodes({ nodeNos: [last.nodeNo] });
  await step('power_on_nodes');

  const [first] = unit.nodes;
  await unit.deleteNodes({ ipAddresses: [first!.ipAddress!] });
  check(unit.nodes.length === 2 && !unit.nodes.some((n) => n.id === first!.id), 'delete_nodes did not delete the node at its address');
  await step('delete_nodes', [first!.ipAddress!]);

  const before = await ug.findIpAddresses();
  await ug.cleanup();
  check(ug.units.length === 0, 'cleanup left units');
  await step('cleanup', before);

  await ug.delete();
  check((await client.getUnitGroup(name)) === null, 'the unit group is still there after delete');
}

interface GroupJson {
  id: string;
  units: { name: string; nodes: { nodeNo: number; state: string; ipAddress: string }[] }[];
}

/**
 * The same flow by the `ocs` command: `ocs(args)` runs it with --json and gives what it printed
 * (throwing when it exits non-zero).
 */
export async function notebookFlowByCli(ocs: (args: string[]) => Promise<unknown>, name: string, observe: (step: FlowStep) => Promise<void>): Promise<void> {
  const created = (await ocs(['unit-groups', 'create', name])) as GroupJson;
  const running = async () => (await ocs(['ips', name, '--state', 'RUNNING'])) as string[];
  const step = async (label: string, silent: string[] = []) => observe({ step: label, unitGroupId: created.id, running: await running(), silent });

  const made = (await ocs(['units', 'create', name, 'web', '--provider', 'local', '--nodes', '2'])) as GroupJson;
  check(made.units[0]?.nodes.length === 2, 'units create did not make 2 nodes');
  await step('create_unit');

  const grown = (await ocs(['nodes', 'add', name, 'web', '--count', '1'])) as GroupJson;
  check(grown.units[0]?.nodes.length === 3, 'nodes add did not make a third node');
  await step('add_nodes');

  const last = grown.units[0]!.nodes.at(-1)!;
  await ocs(['nodes', 'power-off', name, 'web', '--node-no', String(last.nodeNo)]);
  await step('power_off_nodes', [last.ipAddress]);
  await ocs(['nodes', 'power-on', name, 'web', '--node-no', String(last.nodeNo)]);
  await step('power_on_nodes');

  const first = grown.units[0]!.nodes[0]!;
  const shrunk = (await ocs(['nodes', 'delete', name, 'web', '--ip', first.ipAddress])) as GroupJson;
  check(!shrunk.units[0]!.nodes.some((n) => n.ipAddress === first.ipAddress), 'nodes delete left the node at its address');
  await step('delete_nodes', [first.ipAddress]);

  const listed = (await ocs(['nodes', 'list', name])) as { unitName: string }[];
  check(listed.length === 2 && listed.every((n) => n.unitName === 'web'), 'nodes list does not show the 2 nodes of web');

  const before = (await ocs(['ips', name])) as string[];
  const cleaned = (await ocs(['unit-groups', 'cleanup', name])) as GroupJson;
  check(cleaned.units.length === 0, 'unit-groups cleanup left units');
  await step('cleanup', before);

  await ocs(['unit-groups', 'delete', name]);
}
